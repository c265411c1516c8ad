//! Arbitrary text in any of the three formats: loading never panics, a
//! failure always explains itself, and a loaded inventory can be checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ops_core::{Error, Format, Inventory, Runner};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let (name, format) = match selector % 3 {
        0 => ("fuzz.yaml", Format::Yaml),
        1 => ("fuzz.toml", Format::Toml),
        _ => ("fuzz.json", Format::Json),
    };
    match Inventory::from_text(name, format, text) {
        Ok(inventory) => {
            let at = "2026-01-01T00:00:00Z".parse().expect("valid instant");
            let report = Runner::with_builtin_checks().run(&inventory, at);
            assert!(report.failures.is_empty(), "{:?}", report.failures);
        }
        Err(Error::Invalid(problems)) => {
            assert!(!problems.is_empty());
            for p in &problems {
                assert!(!p.message.is_empty());
                if let Some(at) = &p.location {
                    assert_eq!(&*at.file, name);
                    assert!(at.line >= 1 && at.column >= 1, "{p}");
                }
            }
        }
        Err(other) => panic!("unexpected error kind: {other}"),
    }
});
