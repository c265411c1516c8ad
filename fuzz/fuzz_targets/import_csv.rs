//! The CSV importers on arbitrary text: never panic; every problem names the
//! input and, when it has a line, a line that exists; what imports is a JSON
//! inventory fragment.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ops_core::Error;
use ops_core::import::{AwsCredentialReport, AwsCredentialReportOptions, GrantsCsv, GrantsCsvOptions, Importer, Input};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let (name, result) = if selector % 2 == 0 {
        let options = AwsCredentialReportOptions::new("aws").map_user("alice", Some("p-alice"));
        (
            "report.csv",
            AwsCredentialReport.import(&[Input::new("report.csv", text)], &options),
        )
    } else {
        (
            "grants.csv",
            GrantsCsv.import(&[Input::new("grants.csv", text)], &GrantsCsvOptions::default()),
        )
    };
    // Lines as the CSV reader counts them: a final line without a newline still counts.
    let lines = text.split('\n').count() as u64;
    match result {
        Ok(imported) => {
            let json = imported.to_inventory_json();
            let value: serde_json::Value = match serde_json::from_str(&json) {
                Ok(v) => v,
                Err(e) => panic!("invalid JSON ({e}): {json}"),
            };
            assert!(value.is_object(), "{json}");
        }
        Err(Error::Import(problems)) => {
            assert!(!problems.is_empty());
            for p in &problems {
                assert_eq!(p.place.file.as_deref(), Some(name));
                assert!(!p.message.is_empty());
                if let Some(line) = p.place.line {
                    assert!(line >= 1 && line <= lines, "line {line} of {lines}: {p}");
                }
            }
        }
        Err(other) => panic!("unexpected error kind: {other}"),
    }
});
