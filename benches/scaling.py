#!/usr/bin/env python3
"""Scaling curves: wall time and peak memory of whole `opsctl` processes
(load, spof, check, report) against the size of the estate, on one plot.

    python3 benches/scaling.py --sizes 10000,100000,1000000,3000000 --rounds 3

For each size, a seeded "served" estate (every component serves an entry
point, so what the entries depend on is the whole graph: the shape where
the analysis does the most work) is written once by `gen_estate` under
`target/scaling/` and reused. Each round runs, one after another:

- load:   `opsctl validate ESTATE` (read, resolve, validate);
- spof:   `opsctl spof ESTATE --format json`;
- check:  `opsctl check ESTATE --format json` (every built-in check);
- report: `opsctl report ESTATE -o FILE.html`.

Each run's wall time and peak RSS come from GNU `/usr/bin/time`; the table
gives medians over the rounds. Results go to `target/scaling/results.json`
and the plot to `benches/scaling.svg` (`--svg`): two log-log panels, time and
memory, with a dotted line of slope 1 through each command's first point, so
linear growth reads as a curve parallel to it.

`--summarise` redraws the table and plot from a saved results file. Output
of the commands goes to files under `target/scaling/` (the check report of 3M
components is several GB of JSON: `--check-output /dev/null` skips keeping it).
"""

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AT = "2026-11-22T09:00:00Z"
COMMANDS = ["load", "spof", "check", "report"]
COLOURS = {"load": "#1f77b4", "spof": "#2ca02c", "check": "#d62728", "report": "#9467bd"}


def build() -> tuple[Path, Path]:
    """Release builds of opsctl and gen_estate; their paths."""
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "opsctl"], cwd=REPO, check=True)
    subprocess.run(["cargo", "build", "--release", "--locked", "-p", "ops-core", "--example", "gen_estate"],
                   cwd=REPO, check=True)
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout
    target = Path(json.loads(meta)["target_directory"])
    return target / "release" / "opsctl", target / "release" / "examples" / "gen_estate"


# A file over opsctl's default limit (128 MiB per file, 512 MiB per load) is
# refused, so a larger estate is written as a directory of parts, as a user
# would split it.
MAX_PART_BYTES = 100 * 1024 * 1024


def estate(gen: Path, out_dir: Path, size: int) -> Path:
    """The served estate of `size` components, written once: one file, or a
    directory of parts when the file would be over opsctl's limit."""
    path = out_dir / f"served-{size}.json"
    parts = out_dir / f"served-{size}"
    if parts.is_dir():
        return parts
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            subprocess.run([str(gen), str(size), "42", "mixed", "served"], stdout=f, check=True)
        tmp.rename(path)
    if path.stat().st_size > MAX_PART_BYTES:
        split(path, parts)
        path.unlink()
        return parts
    return path


def input_bytes(path: Path) -> int:
    """The size of an estate's file, or of all its parts."""
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size


def split(path: Path, parts: Path) -> None:
    """Splits gen_estate's JSON (one component per line after the line
    `"components": [`) into files of at most MAX_PART_BYTES under `parts`."""
    tmp = parts.with_suffix(".tmp")
    tmp.mkdir()
    with open(path) as f:
        lines = f.read().split("\n")
    start = lines.index('"components": [') + 1
    head, body = lines[:start], [line.rstrip(",") for line in lines[start:] if line not in ("]}", "")]
    chunk, size, k = [], 0, 0

    def flush(first: bool) -> None:
        text = ("\n".join(head) if first else '{"components": [') + "\n" + ",\n".join(chunk) + "\n]}\n"
        (tmp / f"part-{k:02}.json").write_text(text)

    for line in body:
        if chunk and size + len(line) > MAX_PART_BYTES - 4096:
            flush(k == 0)
            chunk, size, k = [], 0, k + 1
        chunk.append(line)
        size += len(line) + 2
    flush(k == 0)
    tmp.rename(parts)


def argv(command: str, opsctl: Path, path: Path, out_dir: Path) -> list[str]:
    if command == "load":
        return [str(opsctl), "validate", str(path)]
    if command == "spof":
        return [str(opsctl), "spof", str(path), "--format", "json"]
    if command == "check":
        return [str(opsctl), "check", str(path), "--at", AT, "--format", "json", "--fail-on", "critical"]
    return [str(opsctl), "report", str(path), "--at", AT, "--html", str(out_dir / f"{path.stem}.html")]


def run_once(cmd: list[str], stdout_path: str) -> tuple[float, int]:
    """Wall seconds and max RSS (KiB) of one run."""
    with open(stdout_path, "wb") as sink:
        out = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], stdout=sink, stderr=subprocess.PIPE,
                             text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"failed ({out.returncode}): {' '.join(cmd)}\n{out.stderr[-2000:]}")
    wall, rss = out.stderr.split()[-2:]
    return float(wall), int(rss)


def summarise(results: dict) -> str:
    lines = ["| components | command | wall, median (s) | runs (s) | max RSS, median (MiB) | s per 1M components |",
             "|---|---|---|---|---|---|"]
    for size in sorted(results["runs"], key=int):
        for command in COMMANDS:
            runs = results["runs"][size].get(command)
            if not runs:
                continue
            walls = [w for w, _ in runs]
            rss = statistics.median(r for _, r in runs) / 1024
            wall = statistics.median(walls)
            per = wall / int(size) * 1e6
            lines.append(f"| {int(size):,} | {command} | {wall:.2f} | {', '.join(f'{w:.2f}' for w in walls)} "
                         f"| {rss:,.0f} | {per:.2f} |")
    return "\n".join(lines)


def svg(results: dict) -> str:
    """Two log-log panels (time, memory) against components."""
    sizes = sorted(int(s) for s in results["runs"])
    width, height, pad = 460, 340, 60
    panels = []
    for p, (title, unit, pick) in enumerate([("Wall time (median)", "s", lambda r: r[0]),
                                             ("Peak memory (median)", "MiB", lambda r: r[1] / 1024)]):
        series = {}
        for command in COMMANDS:
            pts = [(s, statistics.median(pick(r) for r in results["runs"][str(s)][command]))
                   for s in sizes if results["runs"][str(s)].get(command)]
            if pts:
                series[command] = pts
        values = [v for pts in series.values() for _, v in pts]
        lo_y, hi_y = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
        lo_x, hi_x = math.floor(math.log10(sizes[0])), math.ceil(math.log10(sizes[-1]))
        ox = p * (width + 20)

        def x(v):
            return ox + pad + (math.log10(v) - lo_x) / max(hi_x - lo_x, 1) * (width - pad - 20)

        def y(v):
            return height - pad + 20 - (math.log10(v) - lo_y) / max(hi_y - lo_y, 1) * (height - pad - 20)

        parts = [f'<text x="{ox + pad}" y="16" font-weight="bold">{title}</text>']
        for e in range(lo_x, hi_x + 1):
            parts.append(f'<line x1="{x(10**e):.1f}" y1="{y(10**lo_y):.1f}" x2="{x(10**e):.1f}" '
                         f'y2="{y(10**hi_y):.1f}" stroke="#ddd"/>')
            parts.append(f'<text x="{x(10**e):.1f}" y="{y(10**lo_y) + 16:.1f}" text-anchor="middle">'
                         f'1e{e}</text>')
        for e in range(lo_y, hi_y + 1):
            parts.append(f'<line x1="{x(10**lo_x):.1f}" y1="{y(10**e):.1f}" x2="{x(10**hi_x):.1f}" '
                         f'y2="{y(10**e):.1f}" stroke="#ddd"/>')
            parts.append(f'<text x="{x(10**lo_x) - 6:.1f}" y="{y(10**e) + 4:.1f}" text-anchor="end">'
                         f'{10.0**e:g} {unit}</text>')
        parts.append(f'<text x="{ox + pad + (width - pad) / 2:.1f}" y="{height + 8}" text-anchor="middle">'
                     f'components</text>')
        for i, (command, pts) in enumerate(series.items()):
            colour = COLOURS[command]
            (s0, v0), (s1, _) = pts[0], (sizes[-1], None)
            parts.append(f'<line x1="{x(s0):.1f}" y1="{y(v0):.1f}" x2="{x(s1):.1f}" '
                         f'y2="{y(v0 * s1 / s0):.1f}" stroke="{colour}" stroke-dasharray="2,4" opacity="0.6"/>')
            path = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for s, v in pts:
                parts.append(f'<circle cx="{x(s):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
            parts.append(f'<text x="{ox + pad + 8}" y="{36 + 16 * i}" fill="{colour}">{command}</text>')
        panels.append("\n".join(parts))
    total_w = 2 * width + 20
    note = (f'opsctl on served estates; {results.get("machine", "")}; {results.get("date", "")}; '
            'dotted: linear growth from the first point')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{height + 40}" '
            f'font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n'
            + "\n".join(panels)
            + f'\n<text x="10" y="{height + 32}" fill="#555">{note}</text>\n</svg>\n')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000,3000000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out-dir", default=str(REPO / "target" / "scaling"))
    ap.add_argument("--results", default=None, help="results JSON (default OUT_DIR/results.json)")
    ap.add_argument("--svg", default=str(REPO / "benches" / "scaling.svg"))
    ap.add_argument("--opsctl", default=None, help="an opsctl binary to use instead of building one")
    ap.add_argument("--gen-estate", default=None, help="a gen_estate binary to use instead of building one")
    ap.add_argument("--check-output", default=None, help="where check's JSON goes (default a file in OUT_DIR)")
    ap.add_argument("--summarise", default=None, help="only redraw the table and plot from this results file")
    args = ap.parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = Path(args.results) if args.results else out_dir / "results.json"
    if args.summarise:
        results = json.loads(Path(args.summarise).read_text())
    else:
        if args.opsctl and args.gen_estate:
            opsctl, gen = Path(args.opsctl), Path(args.gen_estate)
        else:
            opsctl, gen = build()
        sizes = [int(s) for s in args.sizes.split(",")]
        paths = {s: estate(gen, out_dir, s) for s in sizes}
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                   "?")
        results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "machine": f"{cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}"
                              " cores",
                   "bytes": {str(s): input_bytes(paths[s]) for s in sizes},
                   "load": [], "runs": {str(s): {c: [] for c in COMMANDS} for s in sizes}}
        for r in range(args.rounds):
            for s in sizes:
                for command in COMMANDS:
                    stdout = args.check_output if command == "check" and args.check_output else \
                        str(out_dir / f"{command}-{s}.out")
                    wall, rss = run_once(argv(command, opsctl, paths[s], out_dir), stdout)
                    results["runs"][str(s)][command].append([wall, rss])
                    results["load"].append(open("/proc/loadavg").read().split()[0])
                    print(f"round {r + 1} {s:>9,} {command:<6} {wall:7.2f} s {rss / 1024:8.0f} MiB", flush=True)
        results_path.write_text(json.dumps(results, indent=1))
    print(summarise(results))
    Path(args.svg).write_text(svg(results))
    print(f"plot: {args.svg}")


if __name__ == "__main__":
    main()
