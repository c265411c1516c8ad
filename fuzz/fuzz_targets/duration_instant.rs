//! Durations and instants as written in inventories: parsing arbitrary text
//! never panics, what parses prints back to the same value, and every
//! non-negative whole-second duration round-trips through its text.
#![no_main]

use chrono::TimeDelta;
use libfuzzer_sys::fuzz_target;
use ops_core::time::{format_duration, parse_duration, parse_instant};

fuzz_target!(|data: &[u8]| {
    // Any non-negative duration chrono can hold, in whole seconds.
    if let Some((head, _)) = data.split_first_chunk::<8>() {
        let secs = i64::from_le_bytes(*head).unsigned_abs() % (TimeDelta::MAX.num_seconds() as u64 + 1);
        let d = TimeDelta::seconds(secs as i64);
        let text = format_duration(d);
        assert_eq!(parse_duration(&text), Ok(d), "{secs}s formats as '{text}'");
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_duration(text) {
        Ok(d) => {
            assert!(d >= TimeDelta::zero(), "'{text}' parses to a negative {d}");
            assert_eq!(d.subsec_nanos(), 0);
            let again = format_duration(d);
            assert_eq!(parse_duration(&again), Ok(d), "'{text}' formats as '{again}'");
        }
        Err(e) => assert!(e.starts_with("invalid duration '"), "{e}"),
    }
    match parse_instant(text) {
        Ok(t) => {
            let again = t.to_rfc3339();
            assert_eq!(parse_instant(&again), Ok(t), "'{text}' prints as '{again}'");
        }
        Err(e) => assert!(!e.is_empty()),
    }
});
