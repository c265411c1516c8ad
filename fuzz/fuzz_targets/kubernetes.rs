//! The Kubernetes reader on arbitrary text, read as a JSON dump and as a
//! YAML manifest: never panic; every problem and note names the file and a
//! line that exists in it (or the end of input); what imports is a JSON
//! inventory document whose load never panics, and, when the input has no
//! `ops.dev/` annotation (the only way it can name ids outside itself),
//! always loads: the reader never writes a dangling reference or a
//! duplicate id.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ops_core::import::{Importer, Input, Kubernetes, KubernetesOptions, Place};
use ops_core::{Error, Format, Inventory};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let breaks = text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    let lines = breaks as u64 + 2;
    for name in ["dump.json", "manifest.yaml"] {
        let located = |at: &Place, message: &str| {
            if let Some(file) = &at.file {
                assert_eq!(&**file, name, "{at}: {message}");
            }
            if let Some(line) = at.line {
                assert!(line >= 1 && line <= lines, "{at}: {message}");
            }
            assert!(!message.is_empty());
        };
        match Kubernetes.import(&[Input::new(name, text)], &KubernetesOptions::default()) {
            Ok(imported) => {
                imported.notes().iter().for_each(|n| located(&n.place, &n.message));
                let json = imported.to_inventory_json();
                let value: serde_json::Value = serde_json::from_str(&json).expect("the output is JSON");
                assert!(value.is_object());
                let loaded = Inventory::from_text("kubernetes.json", Format::Json, &json);
                if !text.contains("ops.dev/") {
                    if let Err(e) = loaded {
                        panic!("the import of {name} does not load:\n{e}\n{json}");
                    }
                }
            }
            Err(Error::Import(problems)) => {
                assert!(!problems.is_empty());
                problems.iter().for_each(|p| located(&p.place, &p.message));
            }
            Err(e) => panic!("unexpected error kind: {e}"),
        }
    }
});
