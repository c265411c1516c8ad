"""The type stubs ship with the wheel (with py.typed) and name exactly what
the module has, so editors complete what exists and nothing else."""

import ast
import inspect
from pathlib import Path

import ops


def stub():
    package = Path(ops.__file__).parent
    assert (package / "py.typed").is_file()
    return ast.parse((package / "__init__.pyi").read_text())


def public(names):
    return {n for n in names if not n.startswith("_")}


def test_module_names_match():
    tree = stub()
    declared = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            declared.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared.add(node.target.id)
    # Aliases the stub defines for its own annotations.
    declared -= {"Instant", "StrPath"}
    # `ops.ops` is the extension module itself, which maturin's __init__ imports from.
    assert declared == (public(dir(ops)) | {"__version__"}) - {"ops"}


def test_class_members_match():
    tree = stub()
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name.endswith("Error"):
            continue
        declared = {
            n.name if isinstance(n, ast.FunctionDef) else n.target.id
            for n in node.body
            if isinstance(n, ast.FunctionDef) or (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
        }
        runtime = public(dir(getattr(ops, node.name)))
        assert public(declared) == runtime, node.name


def test_exception_hierarchy():
    assert issubclass(ops.OpsError, Exception)
    for name in ("InventoryError", "NotFoundError", "RetentionError"):
        assert getattr(ops, name).__mro__[1] is ops.OpsError
    assert inspect.isclass(ops.Problem)
