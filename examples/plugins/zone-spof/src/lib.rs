//! `zone-spof`: zone-level single points of failure, on the host's failure
//! analysis.
//!
//! Three rules:
//!
//! - `zone-loss` (high): an entry point of tier `max_tier` or better
//!   (default 1) does not survive the loss of one availability zone;
//! - `stateful-spof` (high): a component holding data is a single point of
//!   failure of an entry point: losing it is an outage and maybe data loss;
//! - `unzoned-spof` (low): a single point of failure placed in no zone at all
//!   (directly or through its domains' parents), so nobody can tell which
//!   zone failure takes it down.
//!
//! Configuration (optional), one `key = value` per line:
//!
//! ```text
//! max_tier = 2   # zone-loss also for tier-2 entries
//! ```

use std::collections::BTreeMap;

use ops_plugin_sdk::{EntityKind, Evidence, Finding, Metadata, Plugin, Rule, Severity, analysis, inventory};

struct ZoneSpof;

impl Plugin for ZoneSpof {
    fn metadata() -> Metadata {
        Metadata::new("zone-spof", env!("CARGO_PKG_VERSION"))
            .rule(
                Rule::new(
                    "zone-loss",
                    Severity::High,
                    "A critical entry point does not survive the loss of one zone",
                )
                .explanation(
                    "## What it checks\nEntry points of tier `max_tier` or better (default 1) whose failure \
                     follows from losing a single availability zone.\n\n## Why it matters\nZones fail \
                     whole. A tier-1 service is expected to survive that.\n\n## How to fix\nRun every \
                     component the entry needs in a second zone, behind an `any` or `at_least` rule.",
                ),
            )
            .rule(
                Rule::new(
                    "stateful-spof",
                    Severity::High,
                    "A component holding data is a single point of failure",
                )
                .explanation(
                    "## What it checks\nStateful components (databases, queues, stores) whose failure alone \
                     takes an entry point down.\n\n## Why it matters\nLosing it is an outage, and restoring \
                     it may lose data.\n\n## How to fix\nAdd a replica in another zone and a failover rule.",
                ),
            )
            .rule(Rule::new(
                "unzoned-spof",
                Severity::Low,
                "A single point of failure placed in no availability zone",
            ))
            .config_schema("optional lines `key = value`; keys: max_tier (1-255, default 1)")
    }

    fn run(config: &str) -> Result<Vec<Finding>, String> {
        let max_tier = parse_config(config)?;
        let domains: Vec<_> = (0..inventory::domain_count())
            .filter_map(inventory::domain_at)
            .collect();
        let mut components = BTreeMap::new();
        let mut get = |i: u32| {
            components
                .entry(i)
                .or_insert_with(|| inventory::component_at(i))
                .clone()
        };

        let mut found = Vec::new();
        // SPOF -> the entries it takes down, in inventory order.
        let mut spof_entries: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for e in inventory::entries() {
            let Some(entry) = get(e) else { continue };
            for s in analysis::spofs(e) {
                spof_entries.entry(s).or_default().push(entry.id.clone());
            }
            if entry.tier.is_some_and(|t| t <= max_tier) {
                for d in analysis::domain_spofs(e) {
                    let Some(zone) = domains.get(d as usize).filter(|z| z.kind == "zone") else {
                        continue;
                    };
                    found.push(
                        Finding::new(
                            "zone-loss",
                            EntityKind::Component,
                            &entry.id,
                            format!(
                                "{} (tier {}) goes down when zone {} fails",
                                entry.id,
                                entry.tier.unwrap_or_default(),
                                zone.id
                            ),
                        )
                        .evidence(
                            Evidence::new()
                                .string("zone", &zone.id)
                                .number("tier", i64::from(entry.tier.unwrap_or_default())),
                        )
                        .remediation(format!(
                            "run what {} needs in a second zone besides {}",
                            entry.id, zone.id
                        )),
                    );
                }
            }
        }
        for (s, entries) in spof_entries {
            let Some(c) = get(s) else { continue };
            if c.stateful {
                found.push(
                    Finding::new(
                        "stateful-spof",
                        EntityKind::Component,
                        &c.id,
                        format!(
                            "{} ({}) holds data and alone takes down {}",
                            c.id,
                            c.kind,
                            entries.join(", ")
                        ),
                    )
                    .evidence(Evidence::new().string("kind", &c.kind).strings("entries", &entries))
                    .remediation(format!("add a replica of {} in another zone, with failover", c.id)),
                );
            }
            if !c.domains.iter().any(|&d| in_zone(&domains, d)) {
                found.push(
                    Finding::new(
                        "unzoned-spof",
                        EntityKind::Component,
                        &c.id,
                        format!(
                            "{} is a single point of failure of {} but is placed in no zone",
                            c.id,
                            entries.join(", ")
                        ),
                    )
                    .evidence(Evidence::new().strings("entries", &entries))
                    .remediation(format!("record the zone {} runs in under its domains", c.id)),
                );
            }
        }
        Ok(found)
    }
}

/// Whether domain `d` is a zone or nested in one.
fn in_zone(domains: &[ops_plugin_sdk::Domain], d: u32) -> bool {
    let mut next = Some(d);
    // The host refuses parent cycles; the bound is a second line of defence.
    for _ in 0..domains.len() {
        let Some(dom) = next.and_then(|i| domains.get(i as usize)) else {
            return false;
        };
        if dom.kind == "zone" {
            return true;
        }
        next = dom.parent;
    }
    false
}

/// `max_tier = N` lines; `#` starts a comment.
fn parse_config(config: &str) -> Result<u8, String> {
    let mut max_tier = 1;
    for (n, line) in config.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("config line {}: expected `key = value`", n + 1));
        };
        match key.trim() {
            "max_tier" => {
                max_tier = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("config line {}: max_tier must be a number from 1 to 255", n + 1))?;
            }
            other => {
                return Err(format!(
                    "config line {}: unknown key '{other}' (known: max_tier)",
                    n + 1
                ));
            }
        }
    }
    Ok(max_tier)
}

ops_plugin_sdk::export_plugin!(ZoneSpof);
