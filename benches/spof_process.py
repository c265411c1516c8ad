#!/usr/bin/env python3
"""Whole-process `opsctl spof` against igraph's dominator computation alone.

Issue 3's target: on the acyclic pure-`any` estate, the whole `opsctl spof`
process (reading and validating the JSON inventory included) must be faster
than igraph's dominator computation alone (graph already built) on the same
graph. This script measures both in alternation, round after round, so both
see the same load on a shared machine, and also reports the wall time and
peak memory (max RSS) of `opsctl spof` on each estate given.

    python3 benches/spof_process.py --rounds 5 \\
        target/peer-bench/any-1000000-42.json target/peer-bench/mixed-1000000-42.json

igraph runs in the virtualenv `compare_peers.py` creates (`--venv`, default
`target/peer-venv`); its edge lists (`.edges` next to each estate) are reused
or written. Estates whose name starts with `any-` get the igraph comparison.
Needs `/usr/bin/time` (GNU) for the peak memory.
"""

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare_peers  # noqa: E402  (edge lists, virtualenv)

IGRAPH_WORKER = r"""
import sys, time
from array import array
import numpy as np, igraph as ig
with open(sys.argv[1], "rb") as f:
    head = array("I"); head.fromfile(f, 3); n, m, k = head
    src, dst = array("I"), array("I"); src.fromfile(f, m); dst.fromfile(f, m)
src, dst = np.frombuffer(src, dtype=np.uint32), np.frombuffer(dst, dtype=np.uint32)
root = n
leaves = np.nonzero(np.bincount(src, minlength=n) == 0)[0]
pairs = list(zip(dst.tolist(), src.tolist())) + [(root, int(x)) for x in leaves]
g = ig.Graph(n=n + 1, edges=pairs, directed=True)
del pairs
print("ready", flush=True)
for line in sys.stdin:
    t = time.perf_counter(); g.dominator(root, mode="out")
    print(time.perf_counter() - t, flush=True)
"""


def spof_once(opsctl: Path, estate: Path):
    """Wall seconds and max RSS (KiB) of one `opsctl spof ESTATE --format json`."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", str(opsctl), "spof", str(estate), "--format", "json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"opsctl spof failed on {estate}: {out.stderr}")
    wall, rss = out.stderr.split()[-2:]
    return float(wall), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("estates", nargs="+", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--venv", default=str(REPO / "target" / "peer-venv"))
    ap.add_argument("--no-igraph", action="store_true")
    ap.add_argument("--opsctl", type=Path, default=None, help="a release opsctl to use instead of building one")
    args = ap.parse_args()

    opsctl = args.opsctl
    if opsctl is None:
        subprocess.check_call(["cargo", "build", "--release", "-q", "-p", "opsctl"], cwd=REPO)
        meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO,
                                         capture_output=True, text=True, check=True).stdout)
        opsctl = Path(meta["target_directory"]) / "release" / "opsctl"

    workers = {}
    if not args.no_igraph:
        py = compare_peers.ensure_venv(Path(args.venv))
        for e in args.estates:
            if e.name.startswith("any-"):
                edges = compare_peers.write_edges(e)
                w = subprocess.Popen([str(py), "-c", IGRAPH_WORKER, str(edges)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
                assert w.stdout.readline().strip() == "ready"
                workers[e] = w

    results = {e: {"wall": [], "rss": [], "igraph": []} for e in args.estates}
    for r in range(1, args.rounds + 1):
        for e in args.estates:
            wall, rss = spof_once(opsctl, e)
            results[e]["wall"].append(wall)
            results[e]["rss"].append(rss)
            if e in workers:
                workers[e].stdin.write("go\n")
                workers[e].stdin.flush()
                results[e]["igraph"].append(float(workers[e].stdout.readline()))
            print(f"round {r} {e.name}: spof {wall:.2f} s, {rss} KiB"
                  + (f", igraph dominators {results[e]['igraph'][-1]:.2f} s" if e in workers else "")
                  + f" (load {compare_peers.load_average()})", file=sys.stderr)
    for w in workers.values():
        w.stdin.close()
        w.wait()

    print("| estate | opsctl spof wall, median (s) | max RSS, median (MiB) | igraph dominators alone, median (s) | igraph / opsctl |")
    print("|---|---|---|---|---|")
    for e, res in results.items():
        wall = statistics.median(res["wall"])
        rss = statistics.median(res["rss"]) / 1024
        if res["igraph"]:
            ig_s = statistics.median(res["igraph"])
            print(f"| {e.name} | {wall:.2f} | {rss:.0f} | {ig_s:.2f} | {ig_s / wall:.2f}× |")
        else:
            print(f"| {e.name} | {wall:.2f} | {rss:.0f} | – | – |")
    print(f"\nruns: {json.dumps({e.name: r for e, r in results.items()})}", file=sys.stderr)


if __name__ == "__main__":
    main()
