"""Shared fixtures: the repository root (tests run there, so file names in
locations are the relative ones opsctl prints) and opsctl itself, whose JSON
the package's documents are compared with."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AT = "2026-11-22T09:00:00Z"
STARTUP = "examples/inventories/startup"


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def opsctl():
    """Runs opsctl (the binary $OPSCTL names) and returns its JSON output.

    Required, not skipped: without opsctl the package's documents would be
    compared with nothing."""
    binary = os.environ.get("OPSCTL")
    if not binary:
        pytest.fail("set OPSCTL to the opsctl binary (cargo build -p opsctl; target/debug/opsctl)")

    def run(*args, expect=0):
        done = subprocess.run([binary, *args], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == expect, f"opsctl {' '.join(args)}: exit {done.returncode}\n{done.stderr}"
        return json.loads(done.stdout)

    return run
