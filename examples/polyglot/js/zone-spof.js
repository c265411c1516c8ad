// `zone-spof`, in JavaScript: zone-level single points of failure, on the
// host's failure analysis. The same rules and findings as the Rust
// examples/plugins/zone-spof:
//
// - `zone-loss` (high): an entry point of tier `max_tier` or better (default
//   1) does not survive the loss of one availability zone;
// - `stateful-spof` (high): a component holding data is a single point of
//   failure of an entry point;
// - `unzoned-spof` (low): a single point of failure placed in no zone at all
//   (directly or through its domains' parents).
//
// Configuration (optional), one `key = value` per line: `max_tier = 2`.
import { componentAt, entries, domainCount, domainAt } from 'ops:plugin/inventory@0.1.1';
import { spofs, domainSpofs } from 'ops:plugin/analysis@0.1.1';

const ZONE_LOSS = `## What it checks
Entry points of tier \`max_tier\` or better (default 1) whose failure follows from losing a single availability zone.

## Why it matters
Zones fail whole. A tier-1 service is expected to survive that.

## How to fix
Run every component the entry needs in a second zone, behind an \`any\` or \`at_least\` rule.`;

const STATEFUL_SPOF = `## What it checks
Stateful components (databases, queues, stores) whose failure alone takes an entry point down.

## Why it matters
Losing it is an outage, and restoring it may lose data.

## How to fix
Add a replica in another zone and a failover rule.`;

export const plugin = {
  metadata() {
    return {
      name: 'zone-spof',
      version: '0.1.0',
      rules: [
        {
          id: 'zone-loss',
          defaultSeverity: 'high',
          summary: 'A critical entry point does not survive the loss of one zone',
          explanation: ZONE_LOSS,
        },
        {
          id: 'stateful-spof',
          defaultSeverity: 'high',
          summary: 'A component holding data is a single point of failure',
          explanation: STATEFUL_SPOF,
        },
        {
          id: 'unzoned-spof',
          defaultSeverity: 'low',
          summary: 'A single point of failure placed in no availability zone',
          explanation: '',
        },
      ],
      configSchema: 'optional lines `key = value`; keys: max_tier (1-255, default 1)',
    };
  },

  // A thrown string is the `err` of run's result: the host reports the
  // plugin as failed with it.
  run(config) {
    const maxTier = parseConfig(config);
    const domains = [];
    for (let i = 0, n = domainCount(); i < n; i++) {
      const d = domainAt(i);
      if (d !== undefined) domains.push(d);
    }
    const components = new Map();
    const get = (i) => {
      if (!components.has(i)) components.set(i, componentAt(i));
      return components.get(i);
    };

    const found = [];
    // SPOF index -> the entries it takes down, in inventory order.
    const spofEntries = new Map();
    for (const e of entries()) {
      const entry = get(e);
      if (entry === undefined) continue;
      for (const s of spofs(e)) {
        if (!spofEntries.has(s)) spofEntries.set(s, []);
        spofEntries.get(s).push(entry.id);
      }
      if (entry.tier !== undefined && entry.tier <= maxTier) {
        for (const d of domainSpofs(e)) {
          const zone = domains[d];
          if (zone === undefined || zone.kind !== 'zone') continue;
          found.push({
            rule: 'zone-loss',
            severity: undefined,
            subject: { kind: 'component', id: entry.id },
            message: `${entry.id} (tier ${entry.tier}) goes down when zone ${zone.id} fails`,
            evidence: JSON.stringify({ zone: zone.id, tier: entry.tier }),
            remediation: `run what ${entry.id} needs in a second zone besides ${zone.id}`,
          });
        }
      }
    }
    for (const s of [...spofEntries.keys()].sort((a, b) => a - b)) {
      const names = spofEntries.get(s);
      const c = get(s);
      if (c === undefined) continue;
      if (c.stateful) {
        found.push({
          rule: 'stateful-spof',
          severity: undefined,
          subject: { kind: 'component', id: c.id },
          message: `${c.id} (${c.kind}) holds data and alone takes down ${names.join(', ')}`,
          evidence: JSON.stringify({ kind: c.kind, entries: names }),
          remediation: `add a replica of ${c.id} in another zone, with failover`,
        });
      }
      if (!c.domains.some((d) => inZone(domains, d))) {
        found.push({
          rule: 'unzoned-spof',
          severity: undefined,
          subject: { kind: 'component', id: c.id },
          message: `${c.id} is a single point of failure of ${names.join(', ')} but is placed in no zone`,
          evidence: JSON.stringify({ entries: names }),
          remediation: `record the zone ${c.id} runs in under its domains`,
        });
      }
    }
    return found;
  },
};

// Whether domain `d` is a zone or nested in one.
function inZone(domains, d) {
  // The host refuses parent cycles; the bound is a second line of defence.
  for (let step = 0; step < domains.length; step++) {
    const dom = d === undefined ? undefined : domains[d];
    if (dom === undefined) return false;
    if (dom.kind === 'zone') return true;
    d = dom.parent;
  }
  return false;
}

// `max_tier = N` lines; `#` starts a comment.
function parseConfig(config) {
  let maxTier = 1;
  const lines = config.split('\n');
  for (let n = 1; n <= lines.length; n++) {
    const line = lines[n - 1].split('#')[0].trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw `config line ${n}: expected \`key = value\``;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== 'max_tier') throw `config line ${n}: unknown key '${key}' (known: max_tier)`;
    if (!/^[0-9]+$/.test(value) || Number(value) > 255) {
      throw `config line ${n}: max_tier must be a number from 1 to 255`;
    }
    maxTier = Number(value);
  }
  return maxTier;
}
