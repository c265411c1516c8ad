#!/usr/bin/env python3
"""Whole-process loading of the same estate as JSON and as YAML (issue 26, goal 2).

Goal 2 wants YAML loading within 3x of JSON on the same estate. This writes
each size once in both formats with `gen_estate` (mixed rules, every
component serving an entry: `gen_estate N 42 mixed served json|yaml`, the
YAML in block style, one key and one dependency per line), then runs
`opsctl validate` on each file in alternation, round after round, so that
both formats see the same load on a shared machine. It prints, per size and
format, the median wall and user CPU seconds, the throughput and the peak
memory, and the YAML / JSON ratios of the medians.

    python3 benches/load_formats.py --sizes 100000,300000 --rounds 5

On a VM where fresh memory is expensive (BENCHMARKS.md 11.2) the wall time
carries the kernel's page zeroing, which varies from run to run; the user
CPU time is the steadier measure of the parsers. Needs `/usr/bin/time`
(GNU). Files over opsctl's 128 MiB limit per file are not supported: keep
sizes at or under about 800,000 components.
"""

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build(target: Path | None) -> tuple[Path, Path]:
    """Release builds of opsctl and gen_estate, or the ones in `target`."""
    if target is None:
        subprocess.check_call(["cargo", "build", "--release", "--locked", "-q", "-p", "opsctl"], cwd=REPO)
        subprocess.check_call(["cargo", "build", "--release", "--locked", "-q", "-p", "ops-core",
                               "--example", "gen_estate"], cwd=REPO)
        meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                                         cwd=REPO, capture_output=True, text=True, check=True).stdout)
        target = Path(meta["target_directory"])
    return target / "release" / "opsctl", target / "release" / "examples" / "gen_estate"


def estate(gen: Path, out_dir: Path, n: int, fmt: str) -> Path:
    """The estate of `n` components in `fmt`, written once."""
    path = out_dir / f"mixed-served-{n}-42.{fmt}"
    if not path.exists():
        with open(path, "wb") as f:
            subprocess.check_call([str(gen), str(n), "42", "mixed", "served", fmt], stdout=f)
    return path


def validate_once(opsctl: Path, path: Path) -> tuple[float, float, int]:
    """Wall seconds, user seconds and max RSS (KiB) of one `opsctl validate`."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %U %M", str(opsctl), "validate", str(path)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"opsctl validate failed on {path}: {out.stderr}")
    wall, user, rss = out.stderr.split()[-3:]
    return float(wall), float(user), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,300000")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out-dir", type=Path, default=REPO / "target" / "load-formats")
    ap.add_argument("--target", type=Path, default=None,
                    help="a target directory with release builds of opsctl and gen_estate to use")
    args = ap.parse_args()

    opsctl, gen = build(args.target)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    files = {(n, fmt): estate(gen, args.out_dir, n, fmt) for n in sizes for fmt in ("json", "yaml")}
    runs: dict[tuple[int, str], list[tuple[float, float, int]]] = {k: [] for k in files}
    for key, path in files.items():  # a warm-up each: the page cache holds the file
        validate_once(opsctl, path)
    for _ in range(args.rounds):
        for key, path in files.items():
            runs[key].append(validate_once(opsctl, path))

    print("| components | format | bytes | wall, median (s) | user, median (s) | MB/s (wall) | peak (MiB) | walls (s) |")
    print("|---|---|---|---|---|---|---|---|")
    medians = {}
    for (n, fmt), rs in runs.items():
        size = files[(n, fmt)].stat().st_size
        wall = statistics.median(r[0] for r in rs)
        user = statistics.median(r[1] for r in rs)
        rss = statistics.median(r[2] for r in rs) / 1024
        medians[(n, fmt)] = (wall, user)
        walls = ", ".join(f"{r[0]:.2f}" for r in rs)
        print(f"| {n:,} | {fmt} | {size:,} | {wall:.2f} | {user:.2f} | {size / wall / 1e6:.0f} | {rss:.0f} | {walls} |")
    print()
    print("| components | YAML / JSON, wall | YAML / JSON, user |")
    print("|---|---|---|")
    for n in sizes:
        (jw, ju), (yw, yu) = medians[(n, "json")], medians[(n, "yaml")]
        print(f"| {n:,} | {yw / jw:.2f}x | {yu / ju:.2f}x |")


if __name__ == "__main__":
    main()
