"""`unowned`, in Python: the plugin the README's Python walkthrough builds.
A component nobody owns is one nobody fixes.

The same check as the Rust `examples/plugins/unowned`, finding for finding.
"""

from ops_plugin import EntityKind, Finding, Metadata, Rule, Severity, components, export


class Unowned:
    def metadata(self) -> Metadata:
        return Metadata("unowned", "0.1.0", [Rule("no-owner", Severity.MEDIUM, "A component has no owner")])

    def run(self, config: str) -> list[Finding]:
        found = []
        checked = 0
        for c in components():
            checked += 1
            if not c.owners:
                found.append(
                    Finding(
                        "no-owner",
                        EntityKind.COMPONENT,
                        c.id,
                        f"{c.id} ({c.kind}) has no owner",
                        evidence={"entry": c.entry, "stateful": c.stateful},
                        remediation="add an owners: list",
                    )
                )
        # Goes to the host's log (info), not to a file descriptor.
        print(f"unowned: {checked} components checked, {len(found)} without an owner")
        return found


Plugin = export(Unowned())
