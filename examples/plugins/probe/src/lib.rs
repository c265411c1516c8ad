//! Test plugin: reports what the host's queries return for the component
//! named by its configuration, so the host's tests can compare them with
//! ops-core's own answers.

use std::sync::atomic::{AtomicU32, Ordering};

use ops_plugin_sdk::{
    AccessLevel, ComponentBrief, ComponentFlags, EntityKind, Evidence, Finding, Metadata, Plugin, Rule, Severity,
    access, analysis, backups, incidents, inventory,
};

struct Probe;

/// State a run leaves behind, if the host let it: a value in the data
/// segment, one in `.bss`, 16 KiB of `.bss` over several pages, and the heap.
static DATA: AtomicU32 = AtomicU32::new(7);
static BSS: AtomicU32 = AtomicU32::new(0);
static BIG: [AtomicU32; 4096] = [const { AtomicU32::new(0) }; 4096];

/// Bumps every static above, leaks 256 KiB of heap, and says what it saw:
/// in a fresh instance, the same every run.
fn state() -> String {
    let data = DATA.fetch_add(1, Ordering::Relaxed) + 1;
    let bss = BSS.fetch_add(1, Ordering::Relaxed) + 1;
    let big: u32 = BIG
        .iter()
        .map(|b| b.fetch_add(1, Ordering::Relaxed) + 1)
        .max()
        .unwrap_or(0);
    let leaked = vec![1u8; 256 << 10].leak();
    let pages = core::arch::wasm32::memory_size(0);
    format!(
        "data={data} bss={bss} big={big} heap_at={} pages={pages}",
        leaked.as_ptr() as usize
    )
}

fn ids(indices: &[u32]) -> Vec<String> {
    indices
        .iter()
        .map(|&i| inventory::component_at(i).map(|c| c.id).unwrap_or_default())
        .collect()
}

fn domain_ids(indices: &[u32]) -> Vec<String> {
    indices
        .iter()
        .map(|&i| inventory::domain_at(i).map(|d| d.id).unwrap_or_default())
        .collect()
}

fn brief(i: u32) -> String {
    match inventory::component_brief_at(i) {
        Some(b) => show_brief(&b),
        None => String::new(),
    }
}

fn show_brief(b: &ComponentBrief) -> String {
    format!(
        "{} {} entry={} tier={:?} stateful={}",
        b.id, b.kind, b.entry, b.tier, b.stateful
    )
}

/// Every component's brief, fetched with `component-briefs` three at a
/// time to exercise paging, then asked past the end.
fn briefs() -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let page = inventory::component_briefs(start, 3);
        if page.is_empty() {
            break;
        }
        start += page.len() as u32;
        out.extend(page.iter().map(show_brief));
    }
    let count = inventory::component_count();
    for (from, n) in [(count, 5), (0, 0), (u32::MAX, u32::MAX)] {
        let page = inventory::component_briefs(from, n);
        if !page.is_empty() {
            out.push(format!("{} briefs from {from}", page.len()));
        }
    }
    out
}

/// The flags of each of `indices`, as `entry`, `stateful`, both or `-`.
fn flags(indices: &[u32]) -> Vec<String> {
    inventory::flags_of(indices)
        .into_iter()
        .map(|f| {
            let entry = (f & ComponentFlags::ENTRY).bits() != 0;
            let stateful = (f & ComponentFlags::STATEFUL).bits() != 0;
            match (entry, stateful) {
                (true, true) => "entry+stateful",
                (true, false) => "entry",
                (false, true) => "stateful",
                (false, false) => "-",
            }
            .to_string()
        })
        .collect()
}

/// The SPOFs of component `i`, then of each entry, in one `spofs-of-each`
/// call: one `<id>: <spof ids>` line per list.
fn spofs_of_each(i: u32) -> Vec<String> {
    let mut asked = vec![i];
    asked.extend(inventory::entries());
    let lists = analysis::spofs_of_each(&asked);
    let mut out: Vec<String> = asked
        .iter()
        .zip(lists.iter())
        .map(|(&c, spofs)| format!("{}: {}", ids(&[c])[0], ids(spofs).join(" ")))
        .collect();
    if lists.len() != asked.len() || lists.offsets.first() != Some(&0) {
        out.push(format!("{} lists for {} components", lists.len(), asked.len()));
    }
    if !analysis::spofs_of_each(&[]).is_empty() {
        out.push("lists for no components".to_string());
    }
    out
}

/// Each policy protecting component `i`, with its copies and every run and
/// drill, fetched two at a time to exercise paging.
fn policies(i: u32) -> Vec<String> {
    let mut out = Vec::new();
    for p in backups::policies_protecting(i) {
        let Some(policy) = backups::policy_at(p) else { continue };
        let mut runs = Vec::new();
        let mut start = 0;
        loop {
            let page = backups::runs(p, start, 2);
            if page.is_empty() {
                break;
            }
            start += page.len() as u32;
            runs.extend(
                page.into_iter()
                    .map(|r| format!("{}:{}:{:?}", r.started_at, r.status, r.size_bytes)),
            );
        }
        let drills: Vec<String> = backups::drills(p, 0, u32::MAX)
            .into_iter()
            .map(|d| format!("{}:{}:{:?}:{:?}", d.at, d.outcome, d.by, d.duration_seconds))
            .collect();
        let copies: Vec<String> = policy
            .copies
            .iter()
            .map(|c| {
                format!(
                    "{}:{:?}:offsite={}:{}",
                    c.location,
                    c.tier,
                    c.offsite,
                    c.deletable_by.join("+")
                )
            })
            .collect();
        out.push(format!(
            "{} index={:?} owner={:?} schedule={:?} rpo={:?} rto={:?} drill={:?} monitor={:?} runs={} [{}] drills={} \
             [{}] copies [{}]",
            policy.id,
            backups::policy_index(&policy.id),
            policy.owner,
            policy.schedule,
            policy.rpo_seconds,
            policy.rto_seconds,
            policy.drill_interval_seconds,
            policy.monitor,
            policy.run_count,
            runs.join(", "),
            policy.drill_count,
            drills.join(", "),
            copies.join(", ")
        ));
    }
    out
}

fn people() -> Vec<String> {
    (0..access::person_count())
        .filter_map(access::person_at)
        .map(|p| {
            format!(
                "{} {} departed={} on_leave={} mfa={:?}",
                p.id, p.status, p.departed, p.on_leave, p.mfa
            )
        })
        .collect()
}

fn grants() -> Vec<String> {
    let systems: Vec<String> = (0..access::system_count())
        .filter_map(access::system_at)
        .map(|s| s.id)
        .collect();
    let mut out: Vec<String> = (0..access::grant_count())
        .filter_map(access::grant_at)
        .map(|g| {
            let system = systems.get(g.system as usize).cloned().unwrap_or_default();
            let level = match g.level {
                AccessLevel::Read => "read",
                AccessLevel::Write => "write",
                AccessLevel::Admin => "admin",
                AccessLevel::Owner => "owner",
            };
            format!("{}->{system} {level} active={}", g.principal, g.active)
        })
        .collect();
    out.extend(
        (0..access::credential_count())
            .filter_map(access::credential_at)
            .map(|c| {
                format!(
                    "credential {} shared={} holders={}",
                    c.id,
                    c.shared,
                    c.holders.join("+")
                )
            }),
    );
    out.extend(
        (0..access::group_count())
            .filter_map(access::group_at)
            .map(|g| format!("group {} {}", g.id, g.members.join("+"))),
    );
    out.extend(
        (0..access::service_account_count())
            .filter_map(access::service_account_at)
            .map(|a| format!("account {} owner={:?}", a.id, a.owner)),
    );
    out
}

fn incident_list() -> Vec<String> {
    (0..incidents::incident_count())
        .filter_map(incidents::incident_at)
        .map(|i| {
            format!(
                "{} {} impacted={} actions={}",
                i.id,
                i.severity,
                ids(&i.impacted).join("+"),
                i.actions.len()
            )
        })
        .collect()
}

impl Plugin for Probe {
    fn metadata() -> Metadata {
        Metadata::new("probe", env!("CARGO_PKG_VERSION")).rule(Rule::new(
            "answers",
            Severity::Info,
            "What the host answered",
        ))
    }

    fn run(config: &str) -> Result<Vec<Finding>, String> {
        let id = config.trim();
        // Each of these the host must refuse with an error, not panic.
        match id {
            "simulate-past-end" => {
                analysis::simulate(&[u32::MAX], &[]);
            }
            "flags-past-end" => {
                inventory::flags_of(&[0, inventory::component_count()]);
            }
            "ids-past-end" => {
                inventory::ids_of(&[0, u32::MAX]);
            }
            "spofs-of-each-past-end" => {
                analysis::spofs_of_each(&[0, inventory::component_count()]);
            }
            "state" => {
                return Ok(vec![Finding::new(
                    "answers",
                    EntityKind::Inventory,
                    "inventory",
                    state(),
                )]);
            }
            _ => {}
        }
        let i = inventory::component_index(id).ok_or_else(|| format!("no component '{id}'"))?;
        let c = inventory::component_at(i).ok_or("component-at failed")?;
        let count = inventory::component_count();
        let evidence = Evidence::new()
            .number("index", i64::from(i))
            .number("component_count", i64::from(count))
            .boolean("past_end_is_none", inventory::component_at(count).is_none())
            .number("needed", i64::from(c.needed))
            .strings("depends_on", ids(&c.depends_on))
            .strings("domains", domain_ids(&c.domains))
            .strings("owners", &c.owners)
            .strings("entries", ids(&inventory::entries()))
            .strings("spofs", ids(&analysis::spofs(i)))
            .strings("domain_spofs", domain_ids(&analysis::domain_spofs(i)))
            .strings("blast_radius", ids(&analysis::blast_radius(i)))
            .string("now", &inventory::now())
            .string("brief", &brief(i))
            .strings("briefs", briefs())
            .strings("flags", flags(&[i, 0, i]))
            .strings("ids", inventory::ids_of(&[i, 0, i]))
            .strings("spofs_of_each", spofs_of_each(i))
            .strings("simulate_self", ids(&analysis::simulate(&[i], &[])))
            .strings("simulate_domains", ids(&analysis::simulate(&[], &c.domains)))
            .strings("policies", policies(i))
            .strings("people", people())
            .strings("grants", grants())
            .strings("incidents", incident_list());
        Ok(vec![
            Finding::new(
                "answers",
                EntityKind::Component,
                &c.id,
                format!("{} ({})", c.id, c.kind),
            )
            .evidence(evidence),
        ])
    }
}

ops_plugin_sdk::export_plugin!(Probe);
