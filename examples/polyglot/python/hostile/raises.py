"""Test plugin, in Python: prints, then raises an exception nobody catches.
The prints go to the host's log instead of trapping; the exception fails the
plugin alone, and the host names it with the line that raised it."""

from ops_plugin import Metadata, Rule, Severity, export


class Raises:
    def metadata(self) -> Metadata:
        return Metadata("hostile-py-raises", "0.1.0", [Rule("never", Severity.INFO, "Never reported: run raises")])

    def run(self, config: str) -> list:
        for i in range(500):
            print("line", i)
        print("no newline at the end", end="")
        counts = {"components": 0}
        return [counts["incidents"]]


Plugin = export(Raises())
