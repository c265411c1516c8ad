"""Inventory.check: the findings of the example estates, the same document as
`opsctl check --format json`."""

import pytest

import ops
from conftest import AT, STARTUP

# Every finding of the startup estate at AT: (rule, subject kind, subject id, severity).
STARTUP_FINDINGS = {
    ("access/access-while-away", "person", "dana", "critical"),
    ("access/unrotated-shared-credential", "credential", "aws-root", "critical"),
    ("graph/domain-spof", "domain", "eu-west-1a", "critical"),
    ("graph/domain-spof", "domain", "maya", "critical"),
    ("graph/spof", "component", "dns", "critical"),
    ("graph/spof", "component", "web-lb", "critical"),
    ("graph/spof", "component", "api-lb", "critical"),
    ("graph/spof", "component", "postgres-primary", "critical"),
    ("graph/spof", "component", "redis", "critical"),
    ("graph/spof", "component", "uploads", "critical"),
    ("access/access-while-away", "person", "priya", "high"),
    ("access/admin-without-mfa", "credential", "aws-root", "high"),
    ("access/departed-with-access", "person", "dana", "high"),
    ("access/shared-admin-credential", "credential", "aws-root", "high"),
    ("backup/drill-slower-than-rto", "backup_policy", "postgres-nightly", "high"),
    ("backup/no-offsite-copy", "backup_policy", "postgres-nightly", "high"),
    ("backup/no-recent-drill", "backup_policy", "postgres-nightly", "high"),
    ("backup/stale", "backup_policy", "postgres-nightly", "high"),
    ("backup/suspicious-run", "backup_run", "postgres-nightly@2026-11-20T02:30Z", "high"),
    ("backup/suspicious-run", "backup_run", "postgres-nightly@2026-11-21T02:30Z", "high"),
    ("backup/unmonitored", "backup_policy", "postgres-nightly", "high"),
    ("backup/unprotected-data", "component", "uploads", "high"),
    ("crosscheck/delete-data-and-backups", "person", "maya", "high"),
    ("graph/domain-spof", "domain", "aws", "high"),
    ("graph/domain-spof", "domain", "eu-west-1", "high"),
    ("incident/spof-incident", "incident", "INC-2026-014", "high"),
    ("incident/spof-incident", "incident", "INC-2026-019", "high"),
    ("inventory/departed-owner", "component", "reports", "high"),
    ("access/orphaned-service-account", "service_account", "reports-bot", "medium"),
    ("access/single-admin", "system", "prod-db", "medium"),
    ("backup/drill-only-by-owner", "backup_policy", "postgres-nightly", "medium"),
    ("backup/no-immutable-copy", "backup_policy", "postgres-nightly", "medium"),
    ("backup/schedule-exceeds-rpo", "backup_policy", "postgres-nightly", "medium"),
    ("graph/double-fault", "component", "storefront", "medium"),
    ("graph/double-fault", "component", "public-api", "medium"),
    ("graph/nominal-redundancy", "component", "web-lb", "medium"),
    ("graph/nominal-redundancy", "component", "api-lb", "medium"),
    ("incident/action-overdue", "incident", "INC-2026-014", "medium"),
    ("incident/customer-detected", "component", "storefront", "medium"),
    ("incident/customer-detected", "component", "public-api", "medium"),
    ("incident/customer-detected", "component", "postgres-primary", "medium"),
    ("incident/recurrence", "incident", "INC-2026-019", "medium"),
    ("inventory/unowned-component", "component", "dns", "medium"),
    ("access/unused-grant", "grant", "dana->prod-db", "low"),
    ("incident/change-before-incident", "incident", "INC-2026-019", "low"),
    ("inventory/empty-domain", "domain", "eu-west-1c", "info"),
    ("inventory/unreachable-component", "component", "reports", "info"),
}


def rows(report):
    return [(f["check"], f["subject"]["kind"], f["subject"]["id"], f["severity"]) for f in report["findings"]]


def test_startup_findings_are_exactly_these():
    report = ops.Inventory.load([STARTUP], at=AT).check()
    found = rows(report)
    assert len(found) == len(set(found)) == 47
    assert set(found) == STARTUP_FINDINGS
    assert report["summary"] == {"critical": 10, "high": 18, "medium": 15, "low": 2, "info": 2}
    assert report["evaluated_at"] == AT
    assert report["errors"] == [] and report["absent"] == []


def test_a_finding_has_the_fields_of_the_json_output():
    report = ops.Inventory.load([STARTUP], at=AT).check()
    first = report["findings"][0]
    assert first == {
        "check": "access/access-while-away",
        "evidence": {"at": "2026-08-02T20:14:09+00:00", "source": "81.2.69.160", "system": "prod-db"},
        "fingerprint": "2a4f97a9de3f610cc62c6b005ec02031",
        "key": "prod-db@2026-08-02T20:14:09+00:00",
        "location": {"column": 5, "file": "examples/inventories/startup/access.yaml", "line": 45},
        "message": "'dana' accessed prod-db at 2026-08-02T20:14:09Z (UPDATE orders SET status = 'paid' "
        "WHERE id = 88231) after leaving on 2026-06-30",
        "remediation": "confirm with the person out of band, review the session, suspend the account if it was not them",
        "severity": "critical",
        "subject": {"id": "dana", "kind": "person"},
    }


def test_check_is_opsctl_check_json(opsctl):
    ours = ops.Inventory.load([STARTUP], at=AT).check()
    # Exit 1: the startup estate has findings at or above high.
    assert ours == opsctl("check", STARTUP, "--at", AT, "--format", "json", expect=1)


def test_check_at_overrides_the_load_instant(opsctl):
    inventory = ops.Inventory.load([STARTUP], at=AT)
    later = "2027-03-01T00:00:00Z"
    assert inventory.check(at=later)["evaluated_at"] == later
    # The person domains are those of the load's instant, so compare with an
    # opsctl run at the same instant only where they agree: the fjordline estate.
    fjord = ops.Inventory.load(["examples/inventories/fjordline"], at=AT)
    assert fjord.check() == opsctl("check", "examples/inventories/fjordline", "--at", AT, "--format", "json", expect=1)


def test_datetime_instants_are_accepted():
    from datetime import datetime, timedelta, timezone

    inventory = ops.Inventory.load([STARTUP], at=datetime(2026, 11, 22, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    assert inventory.at == AT
    assert inventory.check()["evaluated_at"] == AT


def test_terraform_importer_is_opsctl_check_terraform(opsctl):
    state = "ops-core/tests/fixtures/terraform/state.json"
    overlay = "ops-core/tests/fixtures/terraform/overlay.yaml"
    inventory = ops.Inventory.load([overlay], terraform=[state], at=AT)
    expected = opsctl("check", "--terraform", state, overlay, "--at", AT, "--format", "json", expect=1)
    assert inventory.check() == expected
    assert len(expected["findings"]) > 0


def test_from_text_in_each_format():
    yaml = ops.Inventory.from_text(
        "people:\n  - {id: dana, status: departed, departed_at: 2026-06-30}\n"
        "components:\n  - {id: shop, entry: true, depends_on: [db], owners: [dana]}\n  - {id: db, kind: database, owners: [dana]}\n",
        name="estate.yaml",
    )
    json_ = ops.Inventory.from_text(
        '{"components": [{"id": "shop", "entry": true, "depends_on": ["db"]}, {"id": "db", "kind": "database"}]}',
        format="json",
        name="estate.json",
    )
    toml = ops.Inventory.from_text(
        '[[components]]\nid = "shop"\nentry = true\ndepends_on = ["db"]\n\n[[components]]\nid = "db"\nkind = "database"\n',
        format="toml",
        name="estate.toml",
    )
    # No tier: a SPOF of an entry of unknown tier is high.
    assert sorted(rows(yaml.check(AT))) == [
        ("backup/unprotected-data", "component", "db", "high"),
        ("graph/no-redundancy", "component", "shop", "high"),
        ("graph/spof", "component", "db", "high"),
        ("inventory/departed-owner", "component", "db", "high"),
        ("inventory/departed-owner", "component", "shop", "high"),
    ]
    expected = [
        ("backup/unprotected-data", "component", "db", "high"),
        ("graph/no-redundancy", "component", "shop", "high"),
        ("graph/spof", "component", "db", "high"),
        ("inventory/unowned-component", "component", "db", "medium"),
        ("inventory/unowned-component", "component", "shop", "medium"),
    ]
    assert sorted(rows(json_.check(AT))) == expected
    assert sorted(rows(toml.check(AT))) == expected
    located = {f["location"]["file"] for f in toml.check(AT)["findings"]}
    assert located == {"estate.toml"}


def test_backstage_catalog_with_overlay_is_opsctl_check_backstage(opsctl):
    catalog = "examples/inventories/startup-backstage/catalog"
    overlay = "examples/inventories/startup-backstage/overlay"
    inventory = ops.Inventory.load([overlay], backstage=[catalog], at=AT)
    assert inventory.notes == [
        f"{catalog}/org.yaml:18:7: skipped API 'public-api': ops imports only Component, Resource, System, Domain, Group and User"
    ]
    expected = opsctl("check", "--backstage", catalog, overlay, "--at", AT, "--format", "json", expect=1)
    assert inventory.check() == expected
    assert expected["summary"] == {"critical": 7, "high": 7, "medium": 6, "low": 0, "info": 2}


def test_disabled_rules_do_not_run_and_unknown_ones_are_refused():
    inventory = ops.Inventory.load([STARTUP], at=AT)
    off = ["graph/spof", "access/access-while-away"]
    report = inventory.check(disable=off)
    assert set(rows(report)) == {row for row in STARTUP_FINDINGS if row[0] not in off}
    assert {row[0] for row in STARTUP_FINDINGS} & set(off) == set(off)
    with pytest.raises(ops.NotFoundError) as e:
        inventory.check(disable=["graph/spofs"])
    assert str(e.value) == "no built-in rule 'graph/spofs' (did you mean 'graph/spof'?)"
    with pytest.raises(TypeError):
        inventory.check(disable="graph/spof")
