#!/usr/bin/env python3
"""User-space instructions per mmap+munmap pair, by variant, under callgrind.

Runs `mmap_pair --count N --variant V` and `--count 2N` under
valgrind --tool=callgrind for each variant and takes

    per pair = (Ir(2N) - Ir(N)) / N

which cancels start-up, dynamic linking and the first call's lazy PLT
binding. "net" subtracts the "none" variant (the same loop with no call),
leaving the instructions of the call sequence and the layer itself: argument
set-up, call/PLT, the wrapper, the result check. The system calls are
kernel work and invisible to callgrind, which is what we want here.

Usage: callgrind_mmap.py [--pairs N] [--detail] path/to/mmap_pair
  --detail  also print, for each variant, the functions with the most
            self instructions per pair (callgrind_annotate on the 2N run).
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from callgrind import callgrind as _callgrind, detail as _detail  # noqa: E402

VARIANTS = ["libc", "sys", "rtm", "hook", "none"]


def callgrind(valgrind, prog, variant, n, outdir):
    return _callgrind(valgrind, prog, variant, n, outdir, "callgrind_mmap")


def detail(out, n, limit=8):
    return _detail(out, n, limit, n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=20000)
    ap.add_argument("--detail", action="store_true")
    ap.add_argument("prog")
    a = ap.parse_args()
    valgrind = shutil.which("valgrind")
    if not valgrind:
        sys.exit("callgrind_mmap: valgrind not found")
    n = a.pairs
    per = {}
    details = {}
    with tempfile.TemporaryDirectory(prefix="cg-mmap-") as tmp:
        for v in VARIANTS:
            ir1, _ = callgrind(valgrind, a.prog, v, n, tmp)
            ir2, out2 = callgrind(valgrind, a.prog, v, 2 * n, tmp)
            per[v] = (ir2 - ir1) / n
            if a.detail and v != "none":
                details[v] = detail(out2, 2 * n)

    base = per["none"]
    libc = per["libc"] - base
    print("user-space instructions per mmap+munmap pair, (Ir(2N)-Ir(N))/N, N=%d" % n)
    print("%-6s %10s %10s %14s" % ("", "per pair", "net", "net vs libc"))
    for v in VARIANTS:
        net = per[v] - base
        if v == "none":
            print("%-6s %10.2f %10s %14s" % (v, per[v], "-", "-"))
        else:
            print("%-6s %10.2f %10.2f %+14.2f" % (v, per[v], net, net - libc))
    print("net = per pair - none (the bare loop); syscalls themselves are not counted")
    for v, rows in details.items():
        print("\n%s: self instructions per pair (2N run)" % v)
        print("\n".join(rows))


if __name__ == "__main__":
    main()
