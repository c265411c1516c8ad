#!/usr/bin/env python3
"""Side-by-side comparison of ops-core's graph-structure algorithms with
networkx, igraph and rustworkx on the same synthetic estates.

    python3 benches/compare_peers.py                       # 10k and 100k
    python3 benches/compare_peers.py --sizes 10000,100000,1000000 --rounds 2

What it does (see benches/README.md for details):

1. creates a virtualenv (default: target/peer-venv) and pip-installs the
   pinned peers;
2. builds and runs `gen_estate` for each size: a `mixed` estate (strongly
   connected components, articulation points, bridges) and an `any` estate
   (dominators, all-entry single points of failure);
3. runs the Rust timing binary `structure_bench` on each estate, and one
   worker process per library and estate, in the virtualenv, which loads the
   same edge lists (building timed separately), times each problem (median of
   3 runs), and prints a canonical hash of each answer;
4. checks the answers agree and prints a table of medians and ratios
   (library time / ops-core time).

A measurement that takes longer than --timeout seconds (all its runs) is
abandoned and reported as a timeout; when one run alone takes longer than
--single-run-above seconds it is not repeated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
import zlib
from array import array
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ["networkx==3.6.1", "igraph==1.0.0", "rustworkx==0.18.1"]
LIBRARIES = ["networkx", "igraph", "rustworkx"]
# Which estate each problem runs on.
STRUCTURE_PROBLEMS = ["scc", "articulation_points", "bridges"]
FLOW_PROBLEMS = ["dominators"]
PROBLEM_ESTATE = {"scc": "mixed", "articulation_points": "mixed", "bridges": "mixed", "dominators": "any"}
NAMES = {
    "dominators": "dominators from a root (any)",
    "scc": "strongly connected components (mixed)",
    "articulation_points": "articulation points (mixed)",
    "bridges": "bridges (mixed)",
}
UNREACHABLE = 0xFFFFFFFF


# --------------------------------------------------------------------------
# Shared helpers


def crc(words) -> str:
    """CRC-32 (zlib) of unsigned 32-bit little-endian words, as ops-core computes it."""
    a = array("I", words)
    if sys.byteorder != "little":
        a.byteswap()
    return f"{zlib.crc32(a.tobytes()) & 0xFFFFFFFF:08x}"


def median(xs):
    return statistics.median(xs) if xs else None


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --------------------------------------------------------------------------
# Edge lists: each estate JSON converted once to a compact binary file.


def edges_path(estate: Path) -> Path:
    return estate.with_suffix(".edges")


def write_edges(estate: Path) -> Path:
    """`<n> <m> <entries>` then src[m], dst[m] (src depends on dst), entries[]: all u32."""
    out = edges_path(estate)
    if out.exists() and out.stat().st_mtime >= estate.stat().st_mtime:
        return out
    doc = json.loads(estate.read_text())
    comps = doc["components"]
    index = {c["id"]: i for i, c in enumerate(comps)}
    src, dst, entries = array("I"), array("I"), array("I")
    for i, c in enumerate(comps):
        for d in c.get("depends_on", []):
            src.append(i)
            dst.append(index[d])
        if c.get("entry"):
            entries.append(i)
    tmp = out.with_suffix(".edges.tmp")
    with tmp.open("wb") as f:
        array("I", [len(comps), len(src), len(entries)]).tofile(f)
        src.tofile(f)
        dst.tofile(f)
        entries.tofile(f)
    tmp.replace(out)
    return out


def read_edges(path: Path):
    with path.open("rb") as f:
        head = array("I")
        head.fromfile(f, 3)
        n, m, k = head
        src, dst, entries = array("I"), array("I"), array("I")
        src.fromfile(f, m)
        dst.fromfile(f, m)
        entries.fromfile(f, k)
    return n, src, dst, entries


# --------------------------------------------------------------------------
# Worker: runs inside the virtualenv, one library, one estate.


def worker(args) -> None:
    import numpy as np

    lib = args.worker
    n, src, dst, entries = read_edges(Path(args.edges))
    src = np.frombuffer(src, dtype=np.uint32).astype(np.int64)
    dst = np.frombuffer(dst, dtype=np.uint32).astype(np.int64)
    entries = list(entries)
    problems = args.problems.split(",")

    def emit(**rec):
        rec.update(impl=lib, nodes=n, edges=int(len(src)))
        print(json.dumps(rec), flush=True)

    def timed(fn):
        runs, out = [], None
        for _ in range(args.repeats):
            t = time.perf_counter()
            out = fn()
            runs.append(time.perf_counter() - t)
            if runs[-1] > args.single_run_above:
                break
        return runs, out

    if lib == "networkx":
        import networkx as nx

        version = nx.__version__
    elif lib == "igraph":
        import igraph as ig

        version = ig.__version__
    else:
        import rustworkx as rx

        version = rx.__version__

    def build(kind, pairs, nodes):
        """Graph of `kind` ("directed" or "undirected") from a list of pairs."""
        if lib == "networkx":
            g = nx.DiGraph() if kind == "directed" else nx.Graph()
            g.add_nodes_from(range(nodes))
            g.add_edges_from(pairs)
            return g
        if lib == "igraph":
            return ig.Graph(n=nodes, edges=pairs, directed=(kind == "directed"))
        g = rx.PyDiGraph() if kind == "directed" else rx.PyGraph()
        g.add_nodes_from(range(nodes))
        g.add_edges_from_no_data(pairs)
        return g

    def build_timed(name, kind, pairs, nodes):
        runs, g = [], None
        for _ in range(args.repeats):
            g = None
            t = time.perf_counter()
            g = build(kind, pairs, nodes)
            runs.append(time.perf_counter() - t)
            if runs[-1] > args.single_run_above:
                break
        emit(problem="build:" + name, seconds=median(runs), runs=runs, version=version)
        return g

    todo = [p for p in problems if p in ("scc", "articulation_points", "bridges", "dominators")]

    if "scc" in todo:
        pairs = list(zip(src.tolist(), dst.tolist()))
        g = build_timed("directed", "directed", pairs, n)
        del pairs
        if lib == "networkx":
            runs, out = timed(lambda: list(nx.strongly_connected_components(g)))
            groups = [list(c) for c in out]
        elif lib == "igraph":
            runs, out = timed(lambda: g.connected_components(mode="strong"))
            groups = list(out)
        else:
            runs, out = timed(lambda: rx.strongly_connected_components(g))
            groups = [list(c) for c in out]
        label = np.arange(n, dtype=np.int64)
        cyclic = 0
        for c in groups:
            if len(c) > 1:
                cyclic += 1
                label[c] = min(c)
        emit(problem="scc", seconds=median(runs), runs=runs, count=len(groups), cyclic=cyclic,
             hash=crc(label.astype(np.uint32).tolist()))
        del g, out, groups

    if "articulation_points" in todo or "bridges" in todo:
        a, b = np.minimum(src, dst), np.maximum(src, dst)
        keys = np.unique((a << 32) | b)  # one undirected edge per pair
        pairs = list(zip((keys >> 32).tolist(), (keys & 0xFFFFFFFF).tolist()))
        g = build_timed("undirected", "undirected", pairs, n)
        if "articulation_points" in todo:
            if lib == "networkx":
                runs, out = timed(lambda: list(nx.articulation_points(g)))
            elif lib == "igraph":
                runs, out = timed(lambda: g.articulation_points())
            else:
                runs, out = timed(lambda: rx.articulation_points(g))
            pts = sorted(set(out))
            emit(problem="articulation_points", seconds=median(runs), runs=runs, count=len(pts), hash=crc(pts))
        if "bridges" in todo:
            if lib == "networkx":
                runs, out = timed(lambda: list(nx.bridges(g)))
                found = out
            elif lib == "igraph":
                runs, out = timed(lambda: g.bridges())
                found = [pairs[e] for e in out]  # edge ids are insertion order
            else:
                runs, out = timed(lambda: rx.bridges(g))
                found = list(out)
            br = sorted({(min(x, y), max(x, y)) for x, y in found})
            emit(problem="bridges", seconds=median(runs), runs=runs, count=len(br),
                 hash=crc([w for p in br for w in p]))
        del g, pairs

    if "dominators" in todo:
        root = n
        has_deps = np.bincount(src, minlength=n) > 0
        leaves = np.nonzero(~has_deps)[0]
        pairs = list(zip(dst.tolist(), src.tolist())) + [(root, int(x)) for x in leaves]
        g = build_timed("flow", "directed", pairs, n + 1)
        del pairs
        if lib == "networkx":
            runs, out = timed(lambda: nx.immediate_dominators(g, root))
            idom = [out.get(v, UNREACHABLE) for v in range(n)]
        elif lib == "igraph":
            runs, out = timed(lambda: g.dominator(root, mode="out"))
            idom = [UNREACHABLE if d != d or d < 0 else int(d) for d in out[:n]]  # nan: unreachable
        else:
            runs, out = timed(lambda: rx.immediate_dominators(g, root))
            idom = [out.get(v, UNREACHABLE) for v in range(n)]
        count = sum(1 for d in idom if d < root)
        chains = []
        for e in entries:
            up, d = [], idom[e]
            while d < root:
                up.append(d)
                d = idom[d]
            up.sort()
            chains += [e, len(up)] + up
        emit(problem="dominators", seconds=median(runs), runs=runs, count=count, hash=crc(idom),
             entry_chains_hash=crc(chains))


# --------------------------------------------------------------------------
# Orchestrator


def ensure_venv(venv: Path) -> Path:
    py = venv / "bin" / "python"
    if not py.exists():
        print(f"creating virtualenv {venv}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        subprocess.check_call([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    check = "import networkx, igraph, rustworkx, numpy; print(networkx.__version__, igraph.__version__, rustworkx.__version__)"
    versions = subprocess.run([str(py), "-c", check], capture_output=True, text=True)
    wanted = " ".join(p.split("==")[1] for p in PACKAGES)
    if versions.returncode != 0 or versions.stdout.strip() != wanted:
        print(f"installing {' '.join(PACKAGES)}", file=sys.stderr)
        subprocess.check_call([str(py), "-m", "pip", "install", "-q", *PACKAGES])
    return py


def cargo_build() -> Path:
    subprocess.check_call(
        ["cargo", "build", "--release", "-q", "-p", "ops-core", "--example", "gen_estate", "--example", "structure_bench"],
        cwd=REPO,
    )
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=REPO, capture_output=True,
                         text=True, check=True)
    return Path(json.loads(out.stdout)["target_directory"]) / "release" / "examples"


def generate(bins: Path, out_dir: Path, n: int, seed: int, rules: str) -> Path:
    path = out_dir / f"{rules}-{n}-{seed}.json"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as f:
            subprocess.check_call([str(bins / "gen_estate"), str(n), str(seed), rules], stdout=f)
        tmp.replace(path)
    return path


def run_lines(cmd, timeout: float, on_line) -> str | None:
    """Runs `cmd`, passing each stdout line to `on_line`. Returns None when the
    process ends by itself, or a note when it was stopped because no line came
    for `timeout` seconds."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=REPO)
    lines: queue.Queue = queue.Queue()

    def pump():
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            proc.kill()
            proc.wait()
            return f"no result within {timeout:.0f} s"
        if line is None:
            proc.wait()
            if proc.returncode != 0:
                return f"exited with status {proc.returncode}"
            return None
        line = line.strip()
        if line.startswith("{"):
            on_line(json.loads(line))


def measure_round(args, py: Path, bins: Path, out_dir: Path, results: list, round_no: int) -> None:
    for n in args.sizes:
        for rules, problems in (("mixed", STRUCTURE_PROBLEMS), ("any", FLOW_PROBLEMS)):
            estate = generate(bins, out_dir, n, args.seed, rules)
            edges = write_edges(estate)
            base = {"size": n, "rules": rules, "round": round_no}

            def keep(rec, base=base):
                rec.update(base)
                results.append(rec)

            print(f"[round {round_no}] {rules} {n}: ops-core (load {load_average()})", file=sys.stderr)
            note = run_lines([str(bins / "structure_bench"), str(estate), "--repeats", str(args.repeats)],
                             args.timeout * 4, keep)
            if note:
                keep({"impl": "ops-core", "problem": "error", "note": note})
            for lib in args.libraries:
                if lib == "networkx" and args.networkx_max is not None and n > args.networkx_max:
                    for p in problems:
                        keep({"impl": lib, "problem": p, "note": f"skipped above {args.networkx_max} nodes"})
                    continue
                todo = list(problems)
                while todo:
                    print(f"[round {round_no}] {rules} {n}: {lib} {','.join(todo)} (load {load_average()})",
                          file=sys.stderr)
                    done = []

                    def keep_lib(rec, done=done):
                        keep(rec)
                        done.append(rec["problem"])

                    cmd = [str(py), str(Path(__file__).resolve()), "--worker", lib, "--edges", str(edges),
                           "--problems", ",".join(todo), "--repeats", str(args.repeats),
                           "--single-run-above", str(args.single_run_above)]
                    note = run_lines(cmd, args.timeout, keep_lib)
                    todo = [p for p in todo if p not in done]
                    if note and todo:
                        # The first unfinished problem stopped it: note it, go on with the rest.
                        keep({"impl": lib, "problem": todo[0], "note": note})
                        todo = todo[1:]
                    elif not note:
                        break


def summarise(results: list, sizes) -> tuple[str, list[str]]:
    """Markdown table and agreement notes."""

    def pick(impl, problem, size, rules=None):
        recs = [r for r in results if r["impl"] == impl and r["problem"] == problem and r["size"] == size
                and (rules is None or r["rules"] == rules)]
        return recs

    def pooled(recs):
        runs = [x for r in recs if "runs" in r for x in r["runs"]]
        return median(runs)

    def note_of(recs):
        notes = sorted({r["note"] for r in recs if "note" in r})
        return "; ".join(notes)

    def fmt(s):
        if s is None:
            return "–"
        return f"{s:.3g}" if s < 100 else f"{s:.0f}"

    problems = ["dominators", "scc", "articulation_points", "bridges"]
    rows = ["| problem | size | ops-core (s) | networkx (s) | igraph (s) | rustworkx (s) | ratio nx | ratio ig | ratio rx | answers |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    notes = []
    for p in problems:
        rules = PROBLEM_ESTATE[p]
        for n in sizes:
            ours = pick("ops-core", p, n, rules)
            t_ours = pooled(ours)
            cells, ratios = [], []
            answers = {}
            for r in ours:
                if "hash" in r:
                    answers.setdefault("ops-core", set()).add((r["count"], r["hash"]))
            for lib in LIBRARIES:
                recs = pick(lib, p, n, rules)
                t = pooled(recs)
                note = note_of(recs)
                cells.append(fmt(t) if t is not None else (f"– ({note})" if note else "–"))
                ratios.append(f"{t / t_ours:.1f}×" if t is not None and t_ours else "–")
                for r in recs:
                    if "hash" in r:
                        answers.setdefault(lib, set()).add((r["count"], r["hash"]))
            distinct = set().union(*answers.values()) if answers else set()
            if len(distinct) == 1:
                (count, h), = distinct
                verdict = f"all {len(answers)} agree (count {count}, crc {h})"
            else:
                verdict = "DISAGREE: " + ", ".join(f"{k} {sorted(v)}" for k, v in answers.items())
                notes.append(f"{p} at {n}: {verdict}")
            rows.append(f"| {NAMES[p]} | {n:,} | {fmt(t_ours)} | " + " | ".join(cells) + " | " + " | ".join(ratios)
                        + f" | {verdict} |")
    # All-entry SPOFs on the pure-any estate against igraph's dominators alone.
    rows.append("")
    rows.append("| all-entry SPOFs vs dominators, pure-any acyclic | size | ops-core spofs (s) | ops-core dominators (s) | igraph dominators (s) | igraph / ops spofs | same SPOFs |")
    rows.append("|---|---|---|---|---|---|---|")
    for n in sizes:
        spofs = pick("ops-core", "spofs", n, "any")
        doms = pick("ops-core", "dominators", n, "any")
        ig_d = pick("igraph", "dominators", n, "any")
        t_s, t_d, t_ig = pooled(spofs), pooled(doms), pooled(ig_d)
        ours_h = {r["hash"] for r in spofs if "hash" in r}
        chains = {r["entry_chains_hash"] for r in ig_d + doms if "entry_chains_hash" in r}
        same = "yes" if len(ours_h) == 1 and chains == ours_h else f"NO ({sorted(ours_h)} vs {sorted(chains)})"
        if same != "yes":
            notes.append(f"SPOFs vs dominator chains at {n}: {same}")
        ratio = f"{t_ig / t_s:.1f}×" if t_s and t_ig else "–"
        rows.append(f"| | {n:,} | {fmt(t_s)} | {fmt(t_d)} | {fmt(t_ig)} | {ratio} | {same} |")
    # Building.
    rows.append("")
    rows.append("| building the graph (excluded above) | size | ops-core FailureAnalysis::new (s) | networkx (s) | igraph (s) | rustworkx (s) |")
    rows.append("|---|---|---|---|---|---|")
    for kind in ("directed", "undirected", "flow"):
        for n in sizes:
            cells = []
            for lib in LIBRARIES:
                cells.append(fmt(pooled(pick(lib, "build:" + kind, n))))
            ours = fmt(pooled(pick("ops-core", "build", n, "any" if kind == "flow" else "mixed")))
            label = {"directed": "dependency digraph (mixed)", "undirected": "undirected, deduplicated (mixed)",
                     "flow": "flow graph with root (any)"}[kind]
            rows.append(f"| {label} | {n:,} | {ours} | " + " | ".join(cells) + " |")
    return "\n".join(rows), notes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated estate sizes (default: 10000,100000)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeats", type=int, default=3, help="runs per measurement; the median is reported")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat everything this many times; runs of all rounds are pooled for the median")
    ap.add_argument("--timeout", type=float, default=600, help="seconds allowed per measurement (all its runs)")
    ap.add_argument("--single-run-above", type=float, default=200,
                    help="do not repeat a run that took longer than this many seconds")
    ap.add_argument("--networkx-max", type=int, default=None, help="skip networkx above this many nodes")
    ap.add_argument("--libraries", default=",".join(LIBRARIES))
    ap.add_argument("--venv", default=str(REPO / "target" / "peer-venv"))
    ap.add_argument("--out-dir", default=str(REPO / "target" / "peer-bench"))
    ap.add_argument("--results", help="write raw results (JSON) here; default: OUT_DIR/results-<time>.json")
    ap.add_argument("--summarise", nargs="*", help="only print the table for these raw results files")
    # Worker mode (internal).
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--edges", help=argparse.SUPPRESS)
    ap.add_argument("--problems", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    args.libraries = [s for s in args.libraries.split(",") if s]

    if args.summarise is not None:
        results = []
        for f in args.summarise:
            results += json.loads(Path(f).read_text())["results"]
        sizes = sorted({r["size"] for r in results})
        table, notes = summarise(results, sizes)
        print(table)
        for line in notes:
            print("NOTE:", line)
        return

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    py = ensure_venv(Path(args.venv))
    bins = cargo_build()
    started = dt.datetime.now(dt.timezone.utc)
    results: list = []
    loads = []
    for r in range(1, args.rounds + 1):
        loads.append(load_average())
        measure_round(args, py, bins, out_dir, results, r)
        loads.append(load_average())
    raw = Path(args.results) if args.results else out_dir / f"results-{started:%Y%m%dT%H%M%SZ}.json"
    raw.write_text(json.dumps({
        "started": started.isoformat(),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(),
        "host": platform.node(),
        "nproc": os.cpu_count(),
        "load_averages": loads,
        "args": {k: v for k, v in vars(args).items() if k not in ("worker", "edges", "problems")},
        "results": results,
    }, indent=1))
    table, notes = summarise(results, args.sizes)
    print(table)
    for line in notes:
        print("NOTE:", line)
    print(f"\nraw results: {raw}; load averages (1, 5, 15 min) at round starts/ends: {loads}", file=sys.stderr)
    if notes:
        sys.exit(1)


if __name__ == "__main__":
    if shutil.which("cargo") is None and "--worker" not in sys.argv and "--summarise" not in sys.argv:
        sys.exit("cargo not found: run from a Rust toolchain environment")
    main()
