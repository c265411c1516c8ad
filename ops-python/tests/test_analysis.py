"""SPOFs, simulate and blast radius: exact answers on the startup estate, and
the same documents as `opsctl spof/simulate/blast-radius --format json`."""

import pytest

import ops
from conftest import AT, STARTUP


@pytest.fixture(scope="module")
def startup():
    return ops.Inventory.load([STARTUP], at=AT)


def test_spofs_per_entry(startup):
    assert startup.spofs() == [
        {
            "entry": "storefront",
            "tier": 1,
            "spofs": ["dns", "postgres-primary", "redis", "uploads", "web-lb"],
            "domain_spofs": ["aws", "eu-west-1", "eu-west-1a", "maya"],
        },
        {
            "entry": "public-api",
            "tier": 1,
            "spofs": ["api-lb", "dns", "postgres-primary", "redis"],
            "domain_spofs": ["aws", "eu-west-1", "eu-west-1a", "maya"],
        },
        {"entry": "ci", "tier": 3, "spofs": [], "domain_spofs": []},
    ]
    assert startup.spofs(entry="ci") == [{"entry": "ci", "tier": 3, "spofs": [], "domain_spofs": []}]


def test_spofs_are_opsctl_spof(startup, opsctl):
    assert startup.spofs() == opsctl("spof", STARTUP, "--at", AT, "--format", "json", expect=1)["entries"]


def test_simulate_explains_what_goes_down(startup):
    outage = startup.simulate(["postgres-primary"])
    assert outage["failed"] == ["postgres-primary"]
    assert outage["entries_down"] == ["public-api", "storefront"]
    assert {d["component"] for d in outage["down"]} == {
        "storefront", "public-api", "web-lb", "api-lb", "web-1", "web-2", "api-1", "api-2", "postgres-primary", "reports",
    }
    storefront = next(d for d in outage["down"] if d["component"] == "storefront")
    assert storefront == {
        "component": "storefront",
        "entry": True,
        "why": [
            "storefront is down: it requires all of its dependencies, and 1 of 3 is down (web-lb)",
            "web-lb is down: it requires any one of its dependencies, and 2 of 2 are down (web-1, web-2)",
            "web-2 is down: it requires all of its dependencies, and 1 of 2 is down (postgres-primary)",
            "postgres-primary failed",
        ],
    }


def test_simulate_is_opsctl_simulate(startup, opsctl):
    fail = ["web-1", "eu-west-1b"]
    expected = opsctl("simulate", STARTUP, "--fail", ",".join(fail), "--at", AT, "--format", "json", expect=1)
    assert startup.simulate(fail) == expected


def test_a_failure_that_takes_nothing_down(startup, opsctl):
    outage = startup.simulate(["web-1"])
    assert outage["entries_down"] == []
    assert [d["component"] for d in outage["down"]] == ["web-1"]
    assert outage == opsctl("simulate", STARTUP, "--fail", "web-1", "--at", AT, "--format", "json")


def test_blast_radius_is_opsctl_blast_radius(startup, opsctl):
    radius = startup.blast_radius("redis")
    assert radius["entries_down"] == ["public-api", "storefront"]
    assert sorted(d["component"] for d in radius["down"]) == [
        "api-1", "api-2", "api-lb", "public-api", "redis", "storefront", "web-1", "web-2", "web-lb",
    ]
    assert radius == opsctl("blast-radius", STARTUP, "redis", "--at", AT, "--format", "json")


def test_unknown_and_unfailable_ids_raise_not_found(startup):
    with pytest.raises(ops.NotFoundError) as e:
        startup.simulate(["postgres-primary", "dbb"])
    assert str(e.value) == "no component or domain 'dbb' in the inventory"
    with pytest.raises(ops.NotFoundError) as e:
        startup.blast_radius("eu-west-1a")
    assert str(e.value) == "'eu-west-1a' is a domain, not a component"
    with pytest.raises(ops.NotFoundError) as e:
        startup.spofs(entry="redis")
    assert str(e.value) == "'redis' is not an entry point (entry: true)"
    assert isinstance(e.value, ops.OpsError)
