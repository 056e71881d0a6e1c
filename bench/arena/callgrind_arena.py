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
allocator's fast path costs per allocation. The -plain variants write the
byte with a plain char store, which may alias the allocator's state.

Usage: callgrind_arena.py [--allocs-n N] [--all] [--detail] path/to/arena_bench
  --all     every variant built in, not just bump and rtm
  --detail  the functions with the most self instructions per allocation
            (callgrind_annotate on the 2N run)
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from callgrind import callgrind as _callgrind, detail as _detail  # noqa: E402

GOAL = 6.0  # rtm_arena_alloc: at most this many instructions over the bump


def callgrind(valgrind, prog, variant, n, outdir):
    return _callgrind(valgrind, prog, variant, n, outdir, "callgrind_arena")


def detail(out, n, limit=6):
    return _detail(out, n, limit, n / 10)


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
    variants = ["bump", "rtm", "bump-plain", "rtm-plain"]
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
    for rtm, bump, loop in (("rtm", "bump", "volatile byte store"),
                            ("rtm-plain", "bump-plain", "plain char store")):
        extra = per[rtm] - per[bump]
        print("rtm_arena_alloc over the hand bump, %s: %+.2f instructions per allocation "
              "(goal: at most %+.0f): %s" % (loop, extra, GOAL, "met" if extra <= GOAL else "MISSED"))
    for v, rows in details.items():
        print("\n%s: self instructions per allocation (2N run)" % v)
        print("\n".join(rows))


if __name__ == "__main__":
    main()
