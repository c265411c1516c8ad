//! The report renderers: the streamed documents are the documents, and text
//! from inventories or plugins cannot forge or erase what a reader sees.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use ops_core::{
    CheckFailure, EntityKind, Finding, Format, Inventory, Location, Report, Runner, Severity, Subject, render,
};

/// A message that, printed raw, clears the line, moves to its start and
/// writes a forged line, rings the bell, opens a hyperlink and reverses
/// what follows.
const HOSTILE: &str =
    "db ok\x1b[2K\rall clear\x07 \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ \u{202E}gnp.exe";

fn hostile_report() -> Report {
    let mut report = Runner::new().run(
        &Inventory::from_text("inv.yaml", Format::Yaml, "{}").unwrap(),
        "2026-11-22T00:00:00Z".parse().unwrap(),
    );
    report.findings.push(
        Finding::new(
            "plugin:evil/x\x1b[31m",
            Severity::High,
            Subject::new(EntityKind::Component, "db"),
            HOSTILE,
        )
        .with_evidence("note", HOSTILE)
        .with_remediation(HOSTILE)
        .at(&Location::new("inv\x1b[2K.yaml", 3, 5)),
    );
    report.failures.push(CheckFailure {
        check: "plugin:evil".into(),
        message: HOSTILE.into(),
    });
    report
}

/// No control character but line breaks, and no bidirectional control.
fn assert_inert(format: &str, text: &str) {
    let bad: Vec<char> = text.chars().filter(|&c| c != '\n' && render::is_unsafe(c)).collect();
    assert!(bad.is_empty(), "{format} output carries {bad:?}");
}

#[test]
fn markdown_json_sarif_and_html_carry_no_raw_control_or_bidi_character() {
    let report = hostile_report();
    let inv = Inventory::from_text("inv.yaml", Format::Yaml, "{}").unwrap();
    let markdown = render::to_markdown(&report);
    assert_inert("markdown", &markdown);
    assert!(
        markdown.contains("db ok\\\\u{1b}\\[2K\\\\rall clear\\\\u{7}"),
        "{markdown}"
    );
    assert!(markdown.contains("\\\\u{202e}gnp.exe"), "{markdown}");
    // JSON and SARIF escape control characters by construction (`\u001b`);
    // a reader that decodes them gets the text back exactly.
    let json = serde_json::to_string_pretty(&render::to_json(&report)).unwrap();
    let sarif = serde_json::to_string_pretty(&render::to_sarif(&report)).unwrap();
    for (name, doc) in [("json", &json), ("sarif", &sarif)] {
        assert!(!doc.chars().any(|c| c.is_control() && c != '\n'), "{name}");
        assert!(doc.contains("\\u001b[2K\\rall clear\\u0007"), "{name}");
    }
    assert_eq!(render::to_json(&report)["findings"][0]["message"], HOSTILE);
    // HTML: no control character but white space reaches the page, nor a
    // bidirectional control (a browser would reverse what follows U+202E).
    let html = render::to_html(&inv, &report, None);
    assert!(html.contains("all clear"));
    assert!(
        !html
            .chars()
            .any(|c| render::is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t')),
        "html"
    );
}

#[test]
fn streamed_documents_equal_the_built_ones() {
    let inv = Inventory::load(&[concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/inventories/startup")]).unwrap();
    let report = Runner::with_builtin_checks().run(&inv, "2026-11-22T09:00:00Z".parse().unwrap());
    assert!(report.findings.len() > 10);
    let mut json = Vec::new();
    render::write_json(&report, &mut json).unwrap();
    assert_eq!(
        String::from_utf8(json).unwrap(),
        serde_json::to_string_pretty(&render::to_json(&report)).unwrap() + "\n"
    );
    let mut sarif = Vec::new();
    render::write_sarif(&report, &mut sarif).unwrap();
    assert_eq!(
        String::from_utf8(sarif).unwrap(),
        serde_json::to_string_pretty(&render::to_sarif(&report)).unwrap() + "\n"
    );
    let mut markdown = Vec::new();
    render::write_markdown(&report, &mut markdown).unwrap();
    assert_eq!(String::from_utf8(markdown).unwrap(), render::to_markdown(&report));
}
