"""`zone-spof`, in Python: zone-level single points of failure, on the
host's failure analysis. The same rules and findings as the Rust
`examples/plugins/zone-spof`:

- `zone-loss` (high): an entry point of tier `max_tier` or better (default
  1) does not survive the loss of one availability zone;
- `stateful-spof` (high): a component holding data is a single point of
  failure of an entry point;
- `unzoned-spof` (low): a single point of failure placed in no zone at all
  (directly or through its domains' parents).

Configuration (optional), one `key = value` per line: `max_tier = 2`.
"""

from ops_plugin import (
    Component,
    Domain,
    EntityKind,
    Finding,
    Metadata,
    PluginError,
    Rule,
    Severity,
    analysis,
    domains,
    export,
    inventory,
)

ZONE_LOSS = """## What it checks
Entry points of tier `max_tier` or better (default 1) whose failure follows from losing a single availability zone.

## Why it matters
Zones fail whole. A tier-1 service is expected to survive that.

## How to fix
Run every component the entry needs in a second zone, behind an `any` or `at_least` rule."""

STATEFUL_SPOF = """## What it checks
Stateful components (databases, queues, stores) whose failure alone takes an entry point down.

## Why it matters
Losing it is an outage, and restoring it may lose data.

## How to fix
Add a replica in another zone and a failover rule."""


class ZoneSpof:
    def metadata(self) -> Metadata:
        return Metadata(
            "zone-spof",
            "0.1.0",
            [
                Rule(
                    "zone-loss",
                    Severity.HIGH,
                    "A critical entry point does not survive the loss of one zone",
                    ZONE_LOSS,
                ),
                Rule("stateful-spof", Severity.HIGH, "A component holding data is a single point of failure", STATEFUL_SPOF),
                Rule("unzoned-spof", Severity.LOW, "A single point of failure placed in no availability zone"),
            ],
            config_schema="optional lines `key = value`; keys: max_tier (1-255, default 1)",
        )

    def run(self, config: str) -> list[Finding]:
        max_tier = parse_config(config)
        doms = domains()
        cache: dict[int, Component | None] = {}

        def get(i: int) -> Component | None:
            if i not in cache:
                cache[i] = inventory.component_at(i)
            return cache[i]

        found = []
        # SPOF index -> the entries it takes down, in inventory order.
        spof_entries: dict[int, list[str]] = {}
        for e in inventory.entries():
            entry = get(e)
            if entry is None:
                continue
            for s in analysis.spofs(e):
                spof_entries.setdefault(s, []).append(entry.id)
            if entry.tier is not None and entry.tier <= max_tier:
                for d in analysis.domain_spofs(e):
                    if d >= len(doms) or doms[d].kind != "zone":
                        continue
                    zone = doms[d].id
                    found.append(
                        Finding(
                            "zone-loss",
                            EntityKind.COMPONENT,
                            entry.id,
                            f"{entry.id} (tier {entry.tier}) goes down when zone {zone} fails",
                            evidence={"zone": zone, "tier": entry.tier},
                            remediation=f"run what {entry.id} needs in a second zone besides {zone}",
                        )
                    )
        for s in sorted(spof_entries):
            entries = spof_entries[s]
            c = get(s)
            if c is None:
                continue
            if c.stateful:
                found.append(
                    Finding(
                        "stateful-spof",
                        EntityKind.COMPONENT,
                        c.id,
                        f"{c.id} ({c.kind}) holds data and alone takes down {', '.join(entries)}",
                        evidence={"kind": c.kind, "entries": entries},
                        remediation=f"add a replica of {c.id} in another zone, with failover",
                    )
                )
            if not any(in_zone(doms, d) for d in c.domains):
                found.append(
                    Finding(
                        "unzoned-spof",
                        EntityKind.COMPONENT,
                        c.id,
                        f"{c.id} is a single point of failure of {', '.join(entries)} but is placed in no zone",
                        evidence={"entries": entries},
                        remediation=f"record the zone {c.id} runs in under its domains",
                    )
                )
        return found


def in_zone(doms: list[Domain], d: int | None) -> bool:
    """Whether domain `d` is a zone or nested in one."""
    # The host refuses parent cycles; the bound is a second line of defence.
    for _ in range(len(doms)):
        if d is None or d >= len(doms):
            return False
        if doms[d].kind == "zone":
            return True
        d = doms[d].parent
    return False


def parse_config(config: str) -> int:
    """`max_tier = N` lines; `#` starts a comment."""
    max_tier = 1
    for n, line in enumerate(config.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, eq, value = line.partition("=")
        if not eq:
            raise PluginError(f"config line {n}: expected `key = value`")
        key = key.strip()
        if key != "max_tier":
            raise PluginError(f"config line {n}: unknown key '{key}' (known: max_tier)")
        value = value.strip()
        if not value.isascii() or not value.isdigit() or not 0 <= int(value) <= 255:
            raise PluginError(f"config line {n}: max_tier must be a number from 1 to 255")
        max_tier = int(value)
    return max_tier


Plugin = export(ZoneSpof())
