//! Hostile test plugin: output that is small where the plugin's limits look
//! (text length, number of findings) and large once the host expands or
//! keeps it. Its configuration picks the attack:
//!
//! | config | output |
//! |---|---|
//! | `evidence-bomb` | 880 findings, each with just under 64 KiB of evidence `{"a":[0,0,...]}`: two bytes of text per 32-byte JSON value |
//! | `evidence-wide` | 880 findings, each with 4,000 numbers of evidence (under the cap on values), together past the output budget |
//! | `evidence-objects` | 880 findings, each with 1,364 one-key objects of evidence (a map node each) |
//! | `output-flood` | 5,000 findings, each with a 4 KiB message and a 4 KiB remediation |
//! | `log-flood <count> <MiB>` | `count` log messages of `MiB` MiB each (one string, sent again and again), then `Err` |

use ops_plugin_sdk::{EntityKind, Finding, Metadata, Plugin, Rule, Severity, log};

struct Amplify;

/// A finding of the plugin's one rule about the inventory as a whole.
fn finding(i: usize) -> Finding {
    Finding::new("amplified", EntityKind::Inventory, "inventory", format!("finding {i}"))
}

/// `count` findings, each with `evidence` as its evidence.
fn with_evidence(count: usize, evidence: &str) -> Vec<Finding> {
    (0..count).map(|i| finding(i).evidence_json(evidence)).collect()
}

/// `{"a":[item,item,...]}` with `n` items, as JSON text.
fn array_of(item: &str, n: usize) -> String {
    let mut json = String::from("{\"a\":[");
    for i in 0..n {
        if i > 0 {
            json.push(',');
        }
        json.push_str(item);
    }
    json.push_str("]}");
    json
}

impl Plugin for Amplify {
    fn metadata() -> Metadata {
        Metadata::new("hostile-amplify", env!("CARGO_PKG_VERSION"))
            .rule(Rule::new(
                "amplified",
                Severity::Info,
                "Output that grows once the host holds it",
            ))
            .config_schema("evidence-bomb, evidence-wide, evidence-objects, output-flood, or log-flood <count> <MiB>")
    }

    fn run(config: &str) -> Result<Vec<Finding>, String> {
        let words: Vec<&str> = config.split_whitespace().collect();
        match words.as_slice() {
            // 7 bytes of braces and key, then `0,` pairs: just under 64 KiB.
            ["evidence-bomb"] => Ok(with_evidence(880, &array_of("0", ((64 << 10) - 8) / 2))),
            ["evidence-wide"] => Ok(with_evidence(880, &array_of("0", 4000))),
            ["evidence-objects"] => Ok(with_evidence(880, &array_of("{\"b\":0}", 1364))),
            ["output-flood"] => Ok((0..5000)
                .map(|_| {
                    Finding::new("amplified", EntityKind::Inventory, "inventory", "m".repeat(4 << 10))
                        .remediation("r".repeat(4 << 10))
                })
                .collect()),
            ["log-flood", count, mib] => {
                let count: usize = count.parse().map_err(|_| "log-flood: count must be a number")?;
                let mib: usize = mib.parse().map_err(|_| "log-flood: MiB must be a number")?;
                let message = "x".repeat(mib << 20);
                for _ in 0..count {
                    log::log(log::Level::Debug, &message);
                }
                Err(format!("logged {count} messages of {} bytes", message.len()))
            }
            _ => Err(format!("unknown attack '{config}'")),
        }
    }
}

ops_plugin_sdk::export_plugin!(Amplify);
