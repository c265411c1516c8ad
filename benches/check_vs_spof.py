#!/usr/bin/env python3
"""Issue 26, goal 3: `opsctl check` against `opsctl spof` on the same estate.

Runs whole processes, `opsctl spof|check ESTATE --format json --at INSTANT`,
under GNU time: each round runs every build given with both commands, in an
order rotated from round to round, so that a slow minute of the machine
falls on all of them. A run that fails (an exit code other than 0 or 1, or
no report) stops the script. Prints,
per estate and build, the medians of wall time, user and system CPU and
peak resident memory, the ratios check / spof (wall and peak), and whether
every build wrote the same bytes (MD5) for each command.

    python3 benches/check_vs_spof.py --rounds 7 \
        --opsctl before=/tmp/opsctl-before --opsctl after=target/release/opsctl \
        mixed-300000.json mixed-1000000.json

Estates: `cargo run --release -p ops-core --example gen_estate -- N 42 mixed served > FILE`.
"""

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile

AT = "2026-11-22T09:00:00Z"
COMMANDS = ("spof", "check")


def run(opsctl, command, estate, out):
    """One process: (wall s, user s, system s, peak MiB, MD5 of its report)."""
    fd, stats = tempfile.mkstemp(suffix=".time")
    os.close(fd)
    try:
        with open(out, "wb") as f:
            done = subprocess.run(
                ["/usr/bin/time", "-o", stats, "-f", "%e %U %S %M",
                 opsctl, command, estate, "--format", "json", "--at", AT],
                stdout=f, check=False)
        # 0: nothing found, 1: findings; anything else is a failed run, not a
        # measurement.
        if done.returncode not in (0, 1) or os.path.getsize(out) == 0:
            sys.exit(f"{opsctl} {command} {estate}: exit code {done.returncode}, "
                     f"{os.path.getsize(out)} bytes of report")
        with open(stats) as f:
            # GNU time writes "Command exited with non-zero status N" first
            # when the command finds something (exit code 1).
            wall, user, system, kib = f.read().split("\n")[-2].split()
        with open(out, "rb") as f:
            digest = hashlib.md5(f.read()).hexdigest()
        return float(wall), float(user), float(system), int(kib) / 1024, digest
    finally:
        os.unlink(stats)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("estates", nargs="+")
    ap.add_argument("--opsctl", action="append", required=True, metavar="LABEL=PATH",
                    help="a build to measure (repeat to compare builds)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    builds = [b.split("=", 1) for b in args.opsctl]
    fd, out = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        measure(builds, args, out)
    finally:
        os.unlink(out)
    return 0


def measure(builds, args, out):
    """Every round runs each build's spof and check once, in an order
    rotated from round to round, so that no build or command always runs
    first; then the tables."""
    print("| estate | build | command | wall median (s) | user (s) | sys (s) | peak (MiB) | walls (s) |")
    print("|---|---|---|---|---|---|---|---|")
    summary = []
    order = [(label, path, c) for label, path in builds for c in COMMANDS]
    for estate in args.estates:
        runs = {(label, c): [] for label, _ in builds for c in COMMANDS}
        for r in range(args.rounds):
            turn = r % len(order)
            for label, path, c in order[turn:] + order[:turn]:
                runs[(label, c)].append(run(path, c, estate, out))
        name = os.path.basename(estate)
        med = {}
        for (label, c), rs in runs.items():
            wall, user, system, peak = (statistics.median(r[i] for r in rs) for i in range(4))
            med[(label, c)] = (wall, peak)
            walls = ", ".join(f"{r[0]:.2f}" for r in rs)
            print(f"| {name} | {label} | {c} | {wall:.2f} | {user:.2f} | {system:.2f} | {peak:.0f} | {walls} |")
        for label, _ in builds:
            (cw, cp), (sw, sp) = med[(label, "check")], med[(label, "spof")]
            summary.append(f"{name} {label}: check / spof wall {cw:.2f} / {sw:.2f} = {cw / sw:.2f}x, "
                           f"peak {cp:.0f} / {sp:.0f} MiB = {cp / sp:.2f}x")
        for c in COMMANDS:
            digests = {r[4] for label, _ in builds for r in runs[(label, c)]}
            summary.append(f"{name} {c}: {'the same bytes from every build and round' if len(digests) == 1 else 'REPORTS DIFFER'}")
    print()
    print("\n".join(summary))


if __name__ == "__main__":
    sys.exit(main())
