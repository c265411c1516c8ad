"""Effective access (the access review) and offboarding: exact rows, and the
same documents as `opsctl access review` / `opsctl offboard --format json`."""

import pytest

import ops
from conftest import AT, STARTUP


@pytest.fixture(scope="module")
def startup():
    return ops.Inventory.load([STARTUP], at=AT)


def test_offboarding_dana(startup, opsctl):
    plan = startup.offboard("dana")
    assert plan == opsctl("offboard", STARTUP, "dana", "--at", AT, "--format", "json")
    assert [(g["grant"], g["paths"]) for g in plan["grants"]] == [
        ("dana->prod-db", [["dana"]]),
        ("team-web->github", [["dana", "team-web"]]),
        ("engineering->grafana", [["dana", "team-web", "engineering"]]),
    ]
    assert plan["memberships"] == [{"group": "team-web", "gives": ["team-web->github", "engineering->grafana"]}]
    assert [(c["credential"], c["action"]) for c in plan["credentials"]] == [("aws-root", "rotate")]
    assert plan["ownership"] == [{"kind": "component", "id": "reports"}, {"kind": "service_account", "id": "reports-bot"}]


def test_access_review_of_one_system(startup, opsctl):
    review = startup.access_review(system="prod-db")
    assert review == opsctl("access", "review", STARTUP, "--system", "prod-db", "--at", AT, "--format", "json")
    assert [(r["principal"], r["level"], r["flags"]) for r in review["rows"]] == [
        ("dana", "write", ["departed", "unused-90d"]),
        ("maya", "owner", []),
        ("reports-bot", "read", []),
        ("tom", "read", []),
    ]


def test_access_review_of_every_system(startup, opsctl):
    assert startup.access_review() == opsctl("access", "review", STARTUP, "--at", AT, "--format", "json")


def test_unknown_person_and_system(startup):
    with pytest.raises(ops.NotFoundError) as e:
        startup.offboard("danna")
    assert str(e.value) == "no person 'danna' in the inventory (did you mean 'dana'?)"
    with pytest.raises(ops.NotFoundError) as e:
        startup.access_review(system="prod")
    assert str(e.value).startswith("no system 'prod' in the inventory")
