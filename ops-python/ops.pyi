"""ops-core from Python: load an inventory, run the built-in checks, analyse
failures, review access and compute restic retention.

Every method returns the document the matching ``opsctl ... --format json``
command prints, as plain dicts and lists (see docs/json-output.md).
"""

from datetime import datetime
from os import PathLike
from typing import Any, Literal, Optional, Sequence, Union

__version__: str

Instant = Union[str, datetime]
"""RFC 3339 text (``"2026-11-22T09:00:00Z"``) or a datetime with a time zone."""

StrPath = Union[str, "PathLike[str]"]

class OpsError(Exception):
    """Anything ops-core could not do."""

class InventoryError(OpsError):
    """The inventory does not load."""

    problems: list[Problem]
    """Every problem found, sorted by place."""

class NotFoundError(OpsError):
    """An id that names no entity of the kind asked for (or one that cannot be used so)."""

class RetentionError(OpsError):
    """A retention policy or snapshot list restic refuses, or snapshots that cannot be read."""

class Problem:
    """One problem of an inventory that does not load."""

    file: Optional[str]
    """The file as named when loading; None for a problem of no one file."""
    line: Optional[int]
    """1-based line."""
    column: Optional[int]
    """1-based column, in characters."""
    path: Optional[str]
    """The field of an imported record, where the place is one (a CSV column)."""
    message: str
    """What is wrong, naming the offending value and what was expected."""
    def __str__(self) -> str:
        """``file:line:column: message``, as opsctl prints it."""

class Inventory:
    """A loaded and validated inventory."""

    @staticmethod
    def load(
        paths: Sequence[StrPath],
        *,
        at: Optional[Instant] = None,
        backstage: Sequence[StrPath] = (),
        backstage_infer: Literal["all", "none"] = "all",
        backstage_entry_types: Sequence[str] = (),
        terraform: Sequence[StrPath] = (),
        kubernetes: Sequence[StrPath] = (),
        kubernetes_cluster: Optional[str] = None,
    ) -> Inventory:
        """Loads files and directories (read recursively), and the importers'
        sources as ``opsctl --backstage/--terraform/--kubernetes`` takes them.
        ``at``: the instant the ``person`` failure domains are derived at,
        and the default instant of ``check``, ``access_review`` and ``offboard``.

        Raises InventoryError with every problem."""

    @staticmethod
    def from_text(
        text: str,
        format: Literal["yaml", "json", "toml"] = "yaml",
        name: str = "<input>",
        *,
        at: Optional[Instant] = None,
    ) -> Inventory:
        """Loads one inventory from text; ``name`` is the file its problems
        and findings are located in. Raises InventoryError with every problem."""

    @property
    def at(self) -> Optional[str]:
        """The ``at`` given when loading (RFC 3339 UTC), or None."""

    @property
    def notes(self) -> list[str]:
        """What the loaders skipped (fields and kinds of other tools' formats)."""

    def check(self, at: Optional[Instant] = None, *, disable: Sequence[str] = ()) -> dict[str, Any]:
        """Runs every built-in check: the report of ``opsctl check --format json``
        (``findings``, ``summary``, ``errors``, ``absent``, ``evaluated_at``,
        ``tool``, ``version``). The rules in ``disable`` are off and their
        checks do not run, as ``"off"`` in ``ops.toml``; a rule that is not
        built in raises NotFoundError."""

    def spofs(self, entry: Optional[str] = None) -> list[dict[str, Any]]:
        """Per entry point (or only ``entry``): ``{"entry", "tier", "spofs",
        "domain_spofs"}``, the ``entries`` of ``opsctl spof --format json``.
        Raises NotFoundError for an unknown entry."""

    def simulate(self, fail: Sequence[str]) -> dict[str, Any]:
        """Fails components, instances (``web#2``) and domains together:
        ``{"failed", "entries_down", "down": [{"component", "entry", "why"}]}``
        as ``opsctl simulate --format json``. Raises NotFoundError for an id
        naming nothing or a logical component."""

    def blast_radius(self, component: str) -> dict[str, Any]:
        """What fails when ``component`` fails, and why (the shape of ``simulate``)."""

    def access_review(self, system: Optional[str] = None, at: Optional[Instant] = None) -> dict[str, Any]:
        """Who can reach each system (or ``system``), through grants, groups and
        credentials, with flags: ``opsctl access review --format json``."""

    def offboard(self, person: str, at: Optional[Instant] = None) -> dict[str, Any]:
        """What ``person`` can reach and the checklist that removes it:
        ``opsctl offboard --format json``. Raises NotFoundError for an unknown person."""

    def forget(
        self,
        policy: str,
        *,
        restic_version: Literal["current", "0.14"] = "current",
        tz: Optional[str] = None,
        at: Optional[Instant] = None,
    ) -> dict[str, Any]:
        """What ``restic forget`` would keep of backup policy ``policy``'s
        successful runs under its ``retention``, and why: ``opsctl backup
        retention PATH... POLICY --format json``. Raises NotFoundError for an
        unknown policy, RetentionError for a policy restic refuses."""

def forget(
    snapshots: str,
    *,
    name: str = "snapshots.json",
    keep_last: Union[int, str, None] = None,
    keep_hourly: Union[int, str, None] = None,
    keep_daily: Union[int, str, None] = None,
    keep_weekly: Union[int, str, None] = None,
    keep_monthly: Union[int, str, None] = None,
    keep_yearly: Union[int, str, None] = None,
    keep_within: Optional[str] = None,
    keep_within_hourly: Optional[str] = None,
    keep_within_daily: Optional[str] = None,
    keep_within_weekly: Optional[str] = None,
    keep_within_monthly: Optional[str] = None,
    keep_within_yearly: Optional[str] = None,
    keep_tag: Sequence[str] = (),
    host: Sequence[str] = (),
    tag: Sequence[str] = (),
    path: Sequence[str] = (),
    group_by: str = "host,paths",
    restic_version: Literal["current", "0.14"] = "current",
    tz: Optional[str] = None,
    at: Optional[Instant] = None,
) -> dict[str, Any]:
    """What ``restic forget`` would keep and remove, and why, given the text of
    ``restic snapshots --json`` and forget's flags (``--keep-tag a,b`` is
    ``keep_tag=["a,b"]``): ``{"keep", "remove", "groups"}`` as
    ``opsctl backup retention --snapshots FILE --format json``.
    Raises RetentionError for a policy restic refuses or unreadable snapshots."""
