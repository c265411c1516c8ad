"""ops.forget: what restic forget keeps and removes, checked against the
decisions real restic 0.14 made (ops-core/tests/fixtures/restic), and the
same document as `opsctl backup retention --format json`."""

import json
from pathlib import Path

import pytest

import ops
from conftest import ROOT

RESTIC = ROOT / "ops-core/tests/fixtures/restic"

# restic's short flags; -n (--dry-run) and -c (--compact) change nothing a dry run decides.
SWITCHES = {"-n", "-c", "--dry-run", "--compact"}
COUNTS = {"-g": "group_by", "-l": "keep_last", "-H": "keep_hourly", "-d": "keep_daily", "-w": "keep_weekly", "-m": "keep_monthly", "-y": "keep_yearly"}


def kwargs(args):
    """restic forget's flags as ops.forget's keyword arguments."""
    out = {"keep_tag": [], "host": [], "tag": [], "path": []}
    i = 0
    while i < len(args):
        flag = args[i]
        if flag in SWITCHES:
            i += 1
            continue
        if "=" in flag:
            flag, value = flag.split("=", 1)
            i += 1
        else:
            value = args[i + 1]
            i += 2
        name = COUNTS.get(flag) or flag.lstrip("-").replace("-", "_")
        if name in ("keep_tag", "host", "tag", "path"):
            out[name].append(value)
        elif name.startswith("keep_within") or name == "group_by":
            out[name] = value
        else:
            out[name] = int(value)
    return out


@pytest.mark.parametrize("repository", ["daily-years", "hourly-dst", "groups", "year-boundaries"])
def test_agrees_with_real_restic(repository):
    snapshots = (RESTIC / repository / "snapshots.json").read_text()
    cases = json.loads((RESTIC / repository / "cases.json").read_text())
    checked = 0
    for case in cases:
        if not case["groups"]:
            # restic 0.14 printed nothing for an empty policy; we refuse it.
            with pytest.raises(ops.RetentionError, match="no policy was specified"):
                ops.forget(snapshots, restic_version="0.14", at=case["now"], **kwargs(case["args"]))
            continue
        ours = ops.forget(snapshots, restic_version="0.14", at=case["now"], **kwargs(case["args"]))
        got = sorted(
            (g["host"], g["paths"], g["tags"], [s["short_id"] for s in g["keep"]], [s["short_id"] for s in g["remove"]])
            for g in ours["groups"]
        )
        want = sorted((g["host"], g["paths"], g["tags"], g["keep"], g["remove"]) for g in case["groups"])
        assert got == want, f"{repository}/{case['name']} {case['args']}"
        checked += 1
    assert checked >= 10


def test_reasons_and_the_opsctl_document(opsctl):
    path = "ops-core/tests/fixtures/restic/daily-years/snapshots.json"
    snapshots = (ROOT / path).read_text()
    now = "2026-11-26T08:41:46+00:00"
    ours = ops.forget(snapshots, keep_daily=3, keep_monthly=2, keep_yearly=3, at=now)
    assert ours == opsctl(
        "backup", "retention", "--snapshots", path, "--keep-daily", "3", "--keep-monthly", "2", "--keep-yearly", "3",
        "--at", now, "--format", "json",
    )
    assert [(s["short_id"], s["reasons"]) for s in ours["groups"][0]["keep"]] == [
        ("b71317d9", ["daily snapshot", "monthly snapshot", "yearly snapshot"]),
        ("2c665549", ["daily snapshot"]),
        ("518599d7", ["daily snapshot"]),
        ("6dc2e573", ["monthly snapshot"]),
        ("4bff2afa", ["yearly snapshot"]),
        ("e372599f", ["yearly snapshot"]),
    ]
    assert len(ours["remove"]) == 236


def test_refusals():
    snapshots = (RESTIC / "daily-years/snapshots.json").read_text()
    with pytest.raises(ops.RetentionError) as e:
        ops.forget(snapshots)
    assert str(e.value) == "no policy was specified, no snapshots will be removed"
    with pytest.raises(ops.RetentionError) as e:
        ops.forget(snapshots, keep_daily="seven")
    assert str(e.value).startswith("invalid retention policy: keep_daily: ")
    with pytest.raises(ops.RetentionError) as e:
        ops.forget('[{"time": "yesterday"}]', keep_last=1, name="s.json")
    assert str(e.value).startswith("s.json:1:")
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Londn'.*did you mean 'Europe/London'"):
        ops.forget(snapshots, keep_last=1, tz="Europe/Londn")
    with pytest.raises(TypeError, match="keep_last: expected an int or 'unlimited', found a bool"):
        ops.forget(snapshots, keep_last=True)


# postgres-nightly's successful runs that keep_daily 7, keep_weekly 4 and
# keep_monthly 6 keep: there are only four, so each is kept.
KEPT_NIGHTLY = [
    ("2026-11-21T02:30:00+00:00", ["daily snapshot", "weekly snapshot", "monthly snapshot"]),
    ("2026-11-20T02:30:00+00:00", ["daily snapshot"]),
    ("2026-11-19T02:30:00+00:00", ["daily snapshot"]),
    ("2026-11-18T02:30:00+00:00", ["daily snapshot", "oldest weekly snapshot", "oldest monthly snapshot"]),
]


def test_a_policy_of_the_inventory(opsctl):
    inventory = ops.Inventory.load(["examples/inventories/startup"])
    at = "2026-11-22T09:00:00Z"
    ours = inventory.forget("postgres-nightly", at=at)
    assert ours == opsctl(
        "backup", "retention", "examples/inventories/startup", "postgres-nightly", "--at", at, "--format", "json"
    )
    kept = [(s["id"], s["reasons"]) for s in ours["groups"][0]["keep"]]
    assert kept == KEPT_NIGHTLY
    assert ours["remove"] == []
    # restic 0.14 has no "oldest" rule.
    old = inventory.forget("postgres-nightly", restic_version="0.14", at=at)
    assert [s["reasons"] for s in old["groups"][0]["keep"]][-1] == ["daily snapshot"]
    with pytest.raises(ops.NotFoundError) as e:
        inventory.forget("postgres-nighty")
    assert str(e.value) == "no backup policy 'postgres-nighty' in the inventory (did you mean 'postgres-nightly'?)"
