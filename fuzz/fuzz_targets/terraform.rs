//! Terraform state and plan JSON on arbitrary text: never panic; every
//! problem and note names the file and a line that exists in it; what
//! converts is a JSON inventory document whose load (which may fail: an
//! `ops:owner` may name a principal defined elsewhere) never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ops_core::import::{Importer, Input, Place, Terraform};
use ops_core::{Error, Format, Inventory};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // JSON breaks lines only at LF; an error at the end of input may be on
    // the line after the last.
    let lines = text.matches('\n').count() as u64 + 2;
    let located = |at: &Place, message: &str| {
        if let Some(file) = &at.file {
            assert_eq!(&**file, "state.json", "{at}: {message}");
        }
        if let Some(line) = at.line {
            assert!(line >= 1 && line <= lines, "{at}: {message}");
        }
        assert!(!message.is_empty());
    };
    match Terraform.import(&[Input::new("state.json", text)], &Default::default()) {
        Ok(state) => {
            state.notes().iter().for_each(|n| located(&n.place, &n.message));
            let json = state.to_inventory_json();
            let value: serde_json::Value = serde_json::from_str(&json).expect("the output is JSON");
            assert!(value.is_object());
            let _ = Inventory::from_text("terraform.json", Format::Json, &json);
        }
        Err(Error::Import(problems)) => {
            assert!(!problems.is_empty());
            problems.iter().for_each(|p| located(&p.place, &p.message));
        }
        Err(e) => panic!("unexpected error kind: {e}"),
    }
});
