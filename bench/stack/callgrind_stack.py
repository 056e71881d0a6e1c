#!/usr/bin/env python3
"""User-space instructions per acquire + release of a cached stack, under
callgrind.

Runs `stack_bench --count N --variant V` and `--count 2N` under
valgrind --tool=callgrind for each variant and takes

    per cycle = (Ir(2N) - Ir(N)) / N

which cancels start-up, dynamic linking, the pools' creation and the
warm-up cycle (which maps the pool's chunk and commits the stack). Count
mode does not touch the stack, so what is left is the calls and the loop;
"net" subtracts the "none" variant (the same loop with no call). The
variants:

  pool       rtm_stack_acquire + rtm_stack_release of a cached 1 MiB stack,
             keep_resident 16 KiB: the release's madvise is one of them
  pool-keep  the same with keep_resident 1 MiB: no purge, no system call
  mmap       mmap + mprotect + munmap of guard + stack, for contrast
  none       the bare loop

System calls are kernel work, invisible to callgrind: these are the
instructions the library adds, not the cycle's cost (stack_bench times
that).

Usage: callgrind_stack.py [--cycles N] [--detail] path/to/stack_bench
  --detail  the functions with the most self instructions per cycle
            (callgrind_annotate on the 2N run)
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from callgrind import callgrind as _callgrind, detail as _detail  # noqa: E402

VARIANTS = ["pool", "pool-keep", "mmap", "none"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=20000, help="N")
    ap.add_argument("--detail", action="store_true")
    ap.add_argument("prog")
    a = ap.parse_args()
    valgrind = shutil.which("valgrind")
    if not valgrind:
        sys.exit("callgrind_stack: valgrind not found")
    n = a.cycles
    per, details = {}, {}
    with tempfile.TemporaryDirectory(prefix="cg-stack-") as tmp:
        for v in VARIANTS:
            ir1, _ = _callgrind(valgrind, a.prog, v, n, tmp, "callgrind_stack")
            ir2, out2 = _callgrind(valgrind, a.prog, v, 2 * n, tmp, "callgrind_stack")
            per[v] = (ir2 - ir1) / n
            if a.detail and v != "none":
                details[v] = _detail(out2, 2 * n, 8, 2 * n)

    base = per["none"]
    print("user-space instructions per cycle, (Ir(2N)-Ir(N))/N, N=%d, no touch" % n)
    print("%-10s %10s %10s" % ("", "per cycle", "net"))
    for v in VARIANTS:
        net = "-" if v == "none" else "%.2f" % (per[v] - base)
        print("%-10s %10.2f %10s" % (v, per[v], net))
    print("net = per cycle - none (the bare loop); system calls themselves are not counted")
    for v, rows in details.items():
        print("\n%s: self instructions per cycle (2N run)" % v)
        print("\n".join(rows))


if __name__ == "__main__":
    main()
