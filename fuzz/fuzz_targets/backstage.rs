//! Backstage catalogs on arbitrary text: never panic; every problem and note
//! names the file and a line that exists in it (or the end of input); what converts is a JSON
//! inventory document whose load (which may fail: failure domains live
//! elsewhere) never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ops_core::import::{Backstage, Importer, Input, Place};
use ops_core::{Error, Format, Inventory};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Lines as YAML counts them (a lone CR breaks a line too), plus one: the
    // scanner reports an error at the end of the input on the line after the
    // last one; no location is further than that.
    let breaks = text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    let lines = breaks as u64 + 2;
    let located = |at: &Place, message: &str| {
        if let Some(file) = &at.file {
            assert_eq!(&**file, "catalog-info.yaml", "{at}: {message}");
        }
        if let Some(line) = at.line {
            assert!(line >= 1 && line <= lines, "{at}: {message}");
        }
        assert!(!message.is_empty());
    };
    match Backstage.import(&[Input::new("catalog-info.yaml", text)], &Default::default()) {
        Ok(catalog) => {
            catalog.notes().iter().for_each(|n| located(&n.place, &n.message));
            let json = catalog.to_inventory_json();
            let value: serde_json::Value = serde_json::from_str(&json).expect("the output is JSON");
            assert!(value.is_object());
            let _ = Inventory::from_text("backstage.json", Format::Json, &json);
        }
        Err(Error::Import(problems)) => {
            assert!(!problems.is_empty());
            problems.iter().for_each(|p| located(&p.place, &p.message));
        }
        Err(e) => panic!("unexpected error kind: {e}"),
    }
});
