#!/usr/bin/env python3
"""User-space instructions per allocation, by variant, under callgrind.

Runs `arena_bench --count N --variant V` and `--count 2N` under
valgrind --tool=callgrind for each variant and takes

    per alloc = (Ir(2N) - Ir(N)) / N

which cancels start-up, dynamic linking, set-up and the warm-up round.
What is left is the allocation loop (load the size, allocate, check,
write one byte, loop) plus the round's release amortised over the round's
allocations (--allocs, default 10000). "vs bump" is the difference to the
hand bump, which runs the very same loop: the extra instructions the
allocator's fast path costs per allocation.

Usage: callgrind_arena.py [--allocs-n N] [--all] [--detail] path/to/arena_bench
  --all     every variant built in, not just bump and rtm
  --detail  the functions with the most self instructions per allocation
            (callgrind_annotate on the 2N run)
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

GOAL = 6.0  # rtm_arena_alloc: at most this many instructions over the bump


def callgrind(valgrind, prog, variant, n, outdir):
    out = os.path.join(outdir, "cg.%s.%d" % (variant, n))
    cmd = [valgrind, "--tool=callgrind", "--callgrind-out-file=" + out,
           prog, "--count", str(n), "--variant", variant]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    if r.returncode != 0:
        sys.exit("callgrind_arena: %s failed:\n%s" % (" ".join(cmd), r.stderr))
    with open(out) as f:
        for line in f:
            m = re.match(r"(?:summary|totals):\s+(\d+)", line)
            if m:
                return int(m.group(1)), out
    sys.exit("callgrind_arena: no totals in " + out)


def detail(out, n, limit=6):
    """Self Ir per allocation of the costliest functions in one run."""
    annotate = shutil.which("callgrind_annotate")
    if not annotate:
        return ["    (callgrind_annotate not found)"]
    r = subprocess.run([annotate, "--threshold=100", out], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    rows = []
    for line in r.stdout.splitlines():
        m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$", line)
        if not m or ":" not in m.group(2) or "PROGRAM TOTALS" in line:
            continue
        ir = int(m.group(1).replace(",", ""))
        if ir >= n / 10:
            name = re.sub(r"\s*\[.*\]$", "", m.group(2))
            rows.append("    %8.2f  %s" % (ir / n, name))
    return rows[:limit]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--allocs-n", type=int, default=200000,
                    help="N (a multiple of 10000)")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--detail", action="store_true")
    ap.add_argument("prog")
    a = ap.parse_args()
    valgrind = shutil.which("valgrind")
    if not valgrind:
        sys.exit("callgrind_arena: valgrind not found")
    variants = ["bump", "rtm"]
    if a.all:
        r = subprocess.run([a.prog, "--list"], stdout=subprocess.PIPE,
                           universal_newlines=True, check=True)
        variants = r.stdout.split()
    n = a.allocs_n
    per, details = {}, {}
    with tempfile.TemporaryDirectory(prefix="cg-arena-") as tmp:
        for v in variants:
            ir1, _ = callgrind(valgrind, a.prog, v, n, tmp)
            ir2, out2 = callgrind(valgrind, a.prog, v, 2 * n, tmp)
            per[v] = (ir2 - ir1) / n
            if a.detail:
                details[v] = detail(out2, 2 * n)

    print("user-space instructions per allocation, (Ir(2N)-Ir(N))/N, N=%d, "
          "rounds of 10000 with release" % n)
    print("%-10s %12s %10s" % ("variant", "per alloc", "vs bump"))
    for v in variants:
        print("%-10s %12.2f %+10.2f" % (v, per[v], per[v] - per["bump"]))
    extra = per["rtm"] - per["bump"]
    print("rtm_arena_alloc over the hand bump: %+.2f instructions per allocation "
          "(goal: at most %+.0f): %s" % (extra, GOAL, "met" if extra <= GOAL else "MISSED"))
    for v, rows in details.items():
        print("\n%s: self instructions per allocation (2N run)" % v)
        print("\n".join(rows))


if __name__ == "__main__":
    main()
