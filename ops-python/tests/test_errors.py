"""Errors are exceptions of one hierarchy; an inventory that does not load
raises InventoryError carrying every problem with its place."""

from datetime import datetime

import pytest

import ops

BROKEN = "ops-python/tests/fixtures/broken"


def test_every_problem_with_its_place():
    with pytest.raises(ops.InventoryError) as e:
        ops.Inventory.load([BROKEN])
    a, b = f"{BROKEN}/a.yaml", f"{BROKEN}/b.toml"
    assert [(p.file, p.line, p.column, p.path, p.message) for p in e.value.problems] == [
        (a, 4, 5, None, "unknown field 'dependson' (did you mean 'depends_on'?)"),
        (a, 6, 26, None, "at_least: 4 is impossible: component 'api-lb' has only 3 dependencies"),
        (a, 7, 32, None, "unknown component 'dbb' (did you mean 'db'?)"),
        (b, 2, 6, None, f"duplicate component id 'db' (first defined at {a}:8:9)"),
    ]
    assert str(e.value.problems[2]) == f"{a}:7:32: unknown component 'dbb' (did you mean 'db'?)"
    assert str(e.value).splitlines()[0] == "the inventory has 4 problems:"
    assert isinstance(e.value, ops.OpsError)


def test_problems_are_opsctl_validate_problems(opsctl):
    with pytest.raises(ops.InventoryError) as e:
        ops.Inventory.load([BROKEN])
    report = opsctl("validate", BROKEN, "--format", "json", expect=2)
    assert [(p.file, p.line, p.column, p.message) for p in e.value.problems] == [
        (p["location"]["file"], p["location"]["line"], p["location"]["column"], p["message"]) for p in report["problems"]
    ]


def test_from_text_problems_name_the_text():
    with pytest.raises(ops.InventoryError) as e:
        ops.Inventory.from_text("components:\n  - {id: web, depends_on: [dbb]}\n  - {id: db}\n", name="estate.yaml")
    (problem,) = e.value.problems
    assert (problem.file, problem.line, problem.column, problem.message) == (
        "estate.yaml", 2, 28, "unknown component 'dbb' (did you mean 'db'?)",
    )
    assert repr(problem) == (
        "Problem(file='estate.yaml', line=2, column=28, path=None, "
        "message=\"unknown component 'dbb' (did you mean 'db'?)\")"
    )


def test_syntax_error_in_json_is_located():
    with pytest.raises(ops.InventoryError) as e:
        ops.Inventory.from_text('{"components": [{"id": "web",}]}', format="json", name="estate.json")
    (problem,) = e.value.problems
    assert (problem.file, problem.line, problem.column, problem.message) == (
        "estate.json", 1, 30, "invalid JSON: expected a string key, found '}'",
    )


def test_a_missing_path_is_a_problem_of_no_file():
    with pytest.raises(ops.InventoryError) as e:
        ops.Inventory.load(["no-such-dir"])
    assert [(p.file, p.line, p.column, p.message) for p in e.value.problems] == [
        (None, None, None, "no-such-dir: no such file or directory"),
    ]


def test_bad_arguments_are_value_and_type_errors():
    with pytest.raises(ValueError, match="unknown format 'yml': expected 'yaml', 'json' or 'toml'"):
        ops.Inventory.from_text("{}", format="yml")
    with pytest.raises(ValueError, match="naive datetime"):
        ops.Inventory.from_text("{}", at=datetime(2026, 11, 22))
    with pytest.raises(ValueError):
        ops.Inventory.from_text("{}", at="22/11/2026")
    with pytest.raises(TypeError, match="expected an instant"):
        ops.Inventory.from_text("{}", at=20261122)
    with pytest.raises(ValueError, match="unknown backstage_infer 'some'"):
        ops.Inventory.load([], backstage=["x"], backstage_infer="some")
