"""Hostile test plugin, in Python: allocates without end in `run`. The
host's memory cap must stop it with a clear error."""

from ops_plugin import Metadata, Rule, Severity, export


class MemoryBomb:
    def metadata(self) -> Metadata:
        return Metadata(
            "hostile-py-memory-bomb", "0.1.0", [Rule("never", Severity.INFO, "Never reported: memory runs out first")]
        )

    def run(self, config: str) -> list:
        hoard = []
        while True:
            # A fresh 1 MiB each time, every byte written: nothing to share or skip.
            hoard.append(bytearray(b"\x01") * (1 << 20))


Plugin = export(MemoryBomb())
