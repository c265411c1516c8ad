"""Hostile test plugin, in Python: spins forever in `run`. The host's CPU
budget must stop it, and every other check must still report."""

from ops_plugin import Metadata, Rule, Severity, export


class BusyLoop:
    def metadata(self) -> Metadata:
        return Metadata("hostile-py-busy-loop", "0.1.0", [Rule("never", Severity.INFO, "Never reported: run never returns")])

    def run(self, config: str) -> list:
        n = 0
        while True:
            n += 1


Plugin = export(BusyLoop())
