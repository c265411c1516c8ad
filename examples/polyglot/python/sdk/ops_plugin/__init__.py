"""Write an ops check plugin in Python.

A plugin is a class with two methods, ``metadata()`` and ``run(config)``,
exported with :func:`export`; componentize-py turns the module into a
WebAssembly component of the ``check`` world (``ops-plugins/wit``) that runs
in ops' sandbox::

    from ops_plugin import EntityKind, Finding, Metadata, Rule, Severity, export, inventory

    class Unowned:
        def metadata(self) -> Metadata:
            return Metadata("unowned", "0.1.0", [Rule("no-owner", Severity.MEDIUM, "A component has no owner")])

        def run(self, config: str) -> list[Finding]:
            return [
                Finding("no-owner", EntityKind.COMPONENT, c.id, f"{c.id} has no owner")
                for c in components()
                if not c.owners
            ]

    Plugin = export(Unowned())

Build it with ``componentize-py -d ops-plugins/wit -w check componentize
--stub-wasi -p SDK_DIR -p APP_DIR MODULE -o plugin.wasm`` (what
``examples/polyglot/build.sh`` runs).

What this module adds to componentize-py's generated bindings:

- plain constructors for rules, metadata and findings, with evidence given as
  a ``dict`` and written as the JSON object the host expects;
- ``print()`` and anything else written to ``sys.stdout`` / ``sys.stderr``
  go to the host's ``log`` import (stdout at ``info``, stderr at ``warn``),
  one message per line, instead of trapping (``--stub-wasi`` makes every
  WASI call, writing to a file descriptor included, a trap);
- :class:`PluginError` returns ``err`` from ``run`` (the host reports the
  plugin as failed with that message); any other exception is logged at
  ``error`` (type, message and the line that raised it, which the host
  quotes when it reports the failure) and traps, as a Rust plugin's panic.

What the sandbox does not give a plugin, Python cannot have either: no
files, network, environment or clock (``inventory.now()`` is the instant
under evaluation), and no randomness. ``--stub-wasi`` snapshots the
interpreter after start-up, so ``random`` and ``hash()`` of strings are
seeded at build time and repeat on every run: a check must not depend on
them (the host offers no source of randomness, on purpose: a check's
findings are a function of the inventory and ``now``).
"""

from __future__ import annotations

import io
import json
import sys
import traceback
from typing import Any, Iterator, List, Mapping, Optional, Sequence

from wit_world import exports as _exports
from wit_world.imports import access, analysis, backups, incidents, inventory, log, types
from wit_world.imports.types import (
    AccessLevel,
    BackupCopy,
    BackupPolicy,
    BackupRun,
    Component,
    ComponentBrief,
    Credential,
    Domain,
    EntityKind,
    Grant,
    Group,
    Incident,
    IncidentAction,
    Person,
    RestoreDrill,
    ServiceAccount,
    Severity,
    System,
)
from componentize_py_types import Err

__all__ = [
    "AccessLevel",
    "BackupCopy",
    "BackupPolicy",
    "BackupRun",
    "Component",
    "ComponentBrief",
    "Credential",
    "Domain",
    "EntityKind",
    "Finding",
    "Grant",
    "Group",
    "Incident",
    "IncidentAction",
    "Metadata",
    "Person",
    "PluginError",
    "RestoreDrill",
    "Rule",
    "ServiceAccount",
    "Severity",
    "System",
    "access",
    "analysis",
    "backups",
    "components",
    "domains",
    "export",
    "incidents",
    "inventory",
    "log",
]


class Rule:
    """A rule the plugin reports, shown by the host as ``plugin:<plugin>/<id>``."""

    def __init__(self, id: str, default_severity: Severity, summary: str, explanation: str = "") -> None:
        """``id`` is kebab-case; ``explanation`` is Markdown under the headings
        What it checks, Why it matters, Example, How to fix (``opsctl explain``)."""
        self.id = id
        self.default_severity = default_severity
        self.summary = summary
        self.explanation = explanation

    def _lower(self) -> types.Rule:
        return types.Rule(self.id, self.default_severity, self.summary, self.explanation)


class Metadata:
    """Who the plugin is: its kebab-case name, its version and its rules."""

    def __init__(
        self, name: str, version: str, rules: Sequence[Rule] = (), config_schema: Optional[str] = None
    ) -> None:
        """``config_schema`` describes the configuration ``run`` accepts (free text)."""
        self.name = name
        self.version = version
        self.rules = list(rules)
        self.config_schema = config_schema

    def _lower(self) -> types.PluginMetadata:
        return types.PluginMetadata(self.name, self.version, [r._lower() for r in self.rules], self.config_schema)


class Finding:
    """One problem found: a rule of the plugin, about an entity of the inventory."""

    def __init__(
        self,
        rule: str,
        kind: EntityKind,
        id: str,
        message: str,
        *,
        severity: Optional[Severity] = None,
        evidence: Optional[Mapping[str, Any]] = None,
        remediation: Optional[str] = None,
    ) -> None:
        """``rule`` is one of the metadata's rule ids (without ``plugin:``);
        ``kind`` and ``id`` name the subject; ``severity`` overrides the
        rule's default; ``evidence`` is a mapping of JSON values (a ``dict``),
        sent as a JSON object. A ``TypeError`` here names what is not JSON."""
        self.rule = rule
        self.kind = kind
        self.id = id
        self.message = message
        self.severity = severity
        self.remediation = remediation
        self.evidence: Optional[str] = None
        if evidence is not None:
            if not isinstance(evidence, Mapping):
                raise TypeError(f"finding {rule} about {id}: evidence must be a dict, not {type(evidence).__name__}")
            self.evidence = json.dumps(dict(evidence), ensure_ascii=False, allow_nan=False, separators=(",", ":"))

    def _lower(self) -> types.Finding:
        return types.Finding(
            self.rule,
            self.severity,
            types.Subject(self.kind, self.id),
            self.message,
            self.evidence,
            self.remediation,
        )


class PluginError(Exception):
    """Raised from ``run``: the check could not run (a bad configuration,
    say). The host reports the plugin as failed with this message."""


def components() -> Iterator[Component]:
    """Every component of the inventory, in index order (``component_at``)."""
    for i in range(inventory.component_count()):
        c = inventory.component_at(i)
        if c is not None:
            yield c


def domains() -> List[Domain]:
    """Every failure domain, indexed as ``Component.domains`` and ``Domain.parent`` refer to them."""
    found = []
    for i in range(inventory.domain_count()):
        d = inventory.domain_at(i)
        if d is not None:
            found.append(d)
    return found


# ---- standard output and error, to the host's log ----

# Longest message sent at once: the host keeps 4 KiB of each anyway, and a
# line without an end must not grow without bound in the plugin.
_MAX_MESSAGE = 4096


class _LogStream(io.TextIOBase):
    """A text stream whose lines become log messages at one level."""

    def __init__(self, level: log.Level) -> None:
        super().__init__()
        self._level = level
        self._pending: List[str] = []
        self._pending_len = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        rest = s
        while rest:
            line, newline, rest = rest.partition("\n")
            if line:
                self._pending.append(line)
                self._pending_len += len(line)
            if newline or self._pending_len >= _MAX_MESSAGE:
                self._emit()
        return len(s)

    def flush(self) -> None:
        if self._pending:
            self._emit()

    def _emit(self) -> None:
        message = "".join(self._pending)
        self._pending.clear()
        self._pending_len = 0
        _send(self._level, message)


# The host keeps 100 messages a call and drops the rest. Output stops short
# of that, so the messages of an exception (the traceback, then the line the
# host quotes) always fit.
_MAX_OUTPUT_MESSAGES = 97
_in_call = False
_sent = 0


def _send(level: log.Level, message: str) -> None:
    global _sent
    # Outside a call (module start-up runs at build time, where every import
    # is a trapping stub) nothing can be sent: drop it.
    if not _in_call:
        return
    _sent += 1
    if _sent < _MAX_OUTPUT_MESSAGES:
        log.log(level, message[:_MAX_MESSAGE])
    elif _sent == _MAX_OUTPUT_MESSAGES:
        log.log(log.Level.WARN, "ops_plugin: further output of this call dropped (the host keeps 100 messages a call)")


sys.stdout = _LogStream(log.Level.INFO)
sys.stderr = _LogStream(log.Level.WARN)


def _frames(e: BaseException) -> List[str]:
    """``file:line in function`` of each frame of ``e``'s traceback. Not
    ``traceback.format_exception``: it reads the source lines from files,
    and every file access traps in the sandbox."""
    return [
        f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{line} in {frame.f_code.co_name}"
        for frame, line in traceback.walk_tb(e.__traceback__)
    ]


def _describe(e: BaseException) -> str:
    """``KeyError: 'x' (at app.py:12 in run)``: what the host quotes."""
    frames = _frames(e)
    where = f" (at {frames[-1]})" if frames else ""
    text = str(e)
    return f"{type(e).__name__}: {text}{where}" if text else f"{type(e).__name__}{where}"


def _call(f: Any, *args: Any) -> Any:
    global _in_call, _sent
    _in_call = True
    _sent = 0
    try:
        return f(*args)
    except PluginError:
        raise
    except BaseException as e:
        sys.stdout.flush()
        sys.stderr.flush()
        # The whole traceback as one message, then the line the host quotes
        # (it reports the last message at `error` with the trap).
        log.log(log.Level.WARN, ("Traceback: " + ", then ".join(_frames(e)))[:_MAX_MESSAGE])
        log.log(log.Level.ERROR, _describe(e)[:_MAX_MESSAGE])
        raise
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        _in_call = False


def export(plugin: Any) -> type:
    """The class componentize-py exports for ``plugin``, an object with
    ``metadata() -> Metadata`` and ``run(config: str) -> list[Finding]``.
    Bind it to the name ``Plugin`` at the top of the app module::

        Plugin = export(MyCheck())
    """

    def lower_metadata() -> types.PluginMetadata:
        m = plugin.metadata()
        if not isinstance(m, Metadata):
            raise TypeError(f"metadata() must return ops_plugin.Metadata, not {type(m).__name__}")
        return m._lower()

    def lower_run(config: str) -> List[types.Finding]:
        lowered = []
        for f in plugin.run(config):
            if not isinstance(f, Finding):
                raise TypeError(f"run() must return ops_plugin.Finding values, not {type(f).__name__}")
            lowered.append(f._lower())
        return lowered

    class Export(_exports.Plugin):
        def metadata(self) -> types.PluginMetadata:
            return _call(lower_metadata)

        def run(self, config: str) -> List[types.Finding]:
            try:
                return _call(lower_run, config)
            except PluginError as e:
                raise Err(str(e))

    return Export
