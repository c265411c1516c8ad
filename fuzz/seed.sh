#!/usr/bin/env bash
# Builds the seed corpora under fuzz/corpus/<target>/ from the example
# inventory, the test fixtures and a few hand-written inputs. Idempotent;
# the corpora are not committed (fuzzing grows them, see .gitignore).
set -euo pipefail
cd "$(dirname "$0")"
root=..
c=corpus

mkdir -p "$c"/{inventory_load,failure_analysis,effective_access,cron_schedule,duration_instant,import_csv,backstage,terraform,kubernetes,retention,plugin_host}

# inventory_load: first byte 0 = YAML, 1 = TOML, 2 = JSON, then the text.
while IFS= read -r -d '' f; do
  { printf '\0'; cat "$f"; } > "$c/inventory_load/yaml-$(basename "$f")"
done < <(find "$root/examples/inventories" "$root/ops-core/tests/fixtures" -name '*.yaml' -print0)
{ printf '\1'; cat <<'TOML'; } > "$c/inventory_load/toml-estate"
[[people]]
id = "maya"

[[components]]
id = "shop"
entry = true
depends_on = ["api-a", "api-b"]
requires = { at_least = 1 }
owners = ["maya"]

[[components]]
id = "api-a"
domains = ["zone-a"]

[[components]]
id = "api-b"
domains = ["zone-b"]

[[domains]]
id = "region"
kind = "region"

[[domains]]
id = "zone-a"
kind = "zone"
parent = "region"

[[domains]]
id = "zone-b"
kind = "zone"
parent = "region"

[[backup_policies]]
id = "nightly"
protects = "api-a"
owner = "maya"
schedule = { cron = "30 2 * * *", timezone = "Europe/London" }
rpo = "24h"
TOML
{ printf '\2'; cat <<'JSON'; } > "$c/inventory_load/json-estate"
{"people": [{"id": "dana", "status": "departed", "departed_at": "2026-06-30"}],
 "groups": [{"id": "admins", "members": ["dana"]}],
 "systems": [{"id": "aws"}],
 "grants": [{"principal": "admins", "system": "aws", "level": "admin"}],
 "components": [{"id": "shop", "entry": true, "depends_on": ["db"], "requires": "any", "owners": ["dana"]},
                {"id": "db", "kind": "database"}],
 "backup_policies": [{"id": "db", "protects": "db", "owner": "dana", "schedule": {"every": "6h"}}]}
JSON

# failure_analysis, effective_access: the targets decode any bytes into a
# graph, so a few patterns are enough to start from.
for i in 0 1 2 3; do
  head -c 256 < /dev/zero | tr '\0' "\\$((i + 1))" > "$c/failure_analysis/pattern-$i"
  head -c 256 < /dev/zero | tr '\0' "\\$((i + 1))" > "$c/effective_access/pattern-$i"
done
printf '\x07\x03\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20' \
  > "$c/failure_analysis/counting"
cp "$c/failure_analysis/counting" "$c/effective_access/counting"

# cron_schedule: 8 bytes of instant, 8 of a last run, a zone byte, a mode
# byte (0 = `every` interval, 1 = cron, 2 = cron between 1970 and 2040), then
# the text. The instant 0x692f5e00 is 2025-12-02; modulo 70 years, the same.
n=0
for expr in '30 2 * * *' '*/15 * * * mon-fri' '0 0 29 2 *' '0 9-17/2 1,15 * sun' '30 1 * * *' '@weekly' \
            '5-59/15 * * jan-mar 7' '0 0 31 * *' '0 */6 * * *' '59 23 31 12 *' '*/30 1 * * *' '0 3 */2 * mon' \
            '5/15 * * * *' '0 0-23 * * *' 'CRON_TZ=Europe/London 30 1 * * *' 'CRON_TZ=UTC */20 1 * * *' \
            '0 0 * * fri-sun' '* * * * *'; do
  for mode in 1 2; do
    { printf '\x00\x5e\x2f\x69\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
      printf "\\x$(printf %02x $((n % 7)))"
      printf "\\x0$mode%s" "$expr"; } > "$c/cron_schedule/cron-$n-$mode"
  done
  n=$((n + 1))
done
for d in 90s 1h30m 1d 2w 6h; do
  printf '\x00\x5e\x2f\x69\x00\x00\x00\x00\x00\x00\x00\x60\x00\x00\x00\x00\x00\x00%s' "$d" > "$c/cron_schedule/every-$d"
done

# duration_instant: the text (its first 8 bytes are also read as a number of seconds).
for t in 90s 1h30m 1d12h 2w 0s 99999999999999w 2026-03-01 2026-03-29T01:30:00+01:00 \
         2016-12-31T23:59:60Z 2026-03-01T10:00:00 0000-01-01T00:00:00Z 9999-12-31T23:59:59.999999999-23:59; do
  printf '%s' "$t" > "$c/duration_instant/$(printf '%s' "$t" | tr -c 'A-Za-z0-9.-' '_')"
done

# import_csv: first byte even = AWS credential report, odd = grants CSV.
{ printf '\0'; cat "$root/ops-core/tests/fixtures/import/aws-credential-report.csv"; } > "$c/import_csv/aws-report"
{ printf '\1'; cat "$root/ops-core/tests/fixtures/import/grants.csv"; } > "$c/import_csv/grants"

# backstage: a catalog file as it is.
while IFS= read -r -d '' f; do
    cp "$f" "$c/backstage/$(basename "$(dirname "$f")")-$(basename "$f")"
done < <(find "$root/examples/inventories/startup-backstage/catalog" "$root/examples/inventories/lumenpay/catalog" \
    "$root/ops-core/tests/fixtures/backstage" -name '*.yaml' -print0)

# terraform: the test state and plan as they are.
cp "$root/ops-core/tests/fixtures/terraform/state.json" "$c/terraform/state.json"
cp "$root/ops-core/tests/fixtures/terraform/plan.json" "$c/terraform/plan.json"
# kubernetes: the dump and the manifests as they are.
while IFS= read -r -d '' f; do
    cp "$f" "$c/kubernetes/$(basename "$f")"
done < <(find "$root/ops-core/tests/fixtures/kubernetes" -type f \( -name '*.json' -o -name '*.yaml' \) -print0)

# retention: the target decodes any bytes into a policy, snapshots and a
# `now`; patterns give it runs of ties, nearby times and wider spreads.
for byte in 1 4 7 12 25 77 123 252; do # octal, for tr
  head -c 512 < /dev/zero | tr '\0' "\\$byte" > "$c/retention/pattern-$byte"
done
cp "$c/failure_analysis/counting" "$c/retention/counting"

# plugin_host: even first byte = the rest is a component. The example and
# hostile plugins, when built (CI builds them before fuzzing:
# `cd examples/plugins && cargo build --release`), and a few broken ones.
for f in "$root"/examples/plugins/target/wasm32-unknown-unknown/release/*.wasm; do
  [ -e "$f" ] || continue
  { printf '\0'; cat "$f"; } > "$c/plugin_host/component-$(basename "$f" .wasm)"
done
printf '\0\0asm\x0d\x00\x01\x00' > "$c/plugin_host/empty-component"
printf '\0\0asm\x01\x00\x00\x00' > "$c/plugin_host/empty-module"
# odd first byte = the rest drives wasm-smith.
for byte in 5 12 47 203; do # octal, for tr
  { printf '\1'; head -c 1024 < /dev/zero | tr '\0' "\\$byte"; } > "$c/plugin_host/generated-$byte"
done
cp "$c/failure_analysis/counting" "$c/plugin_host/generated-counting"

echo "seeded: $(find "$c" -type f | wc -l) files in $c/"
