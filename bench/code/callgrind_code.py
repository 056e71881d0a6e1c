#!/usr/bin/env python3
"""User-space instructions per function, by variant, under callgrind.

Runs `code_bench --count N --variant V` and `--count 2N` under
valgrind --tool=callgrind for each variant and takes

    per function = (Ir(2N) - Ir(N)) / N / functions per op

which cancels start-up, dynamic linking, the regions' creation and the
warm-up op. What is left is the op: write 64 bytes, make them runnable,
call them and check the answer (4 instructions on x86 of the function
itself), and the loop; "net" subtracts the "none" variant (the bare
loop). Valgrind runs translations of the code, so it is told to check
every block for changes (--smc-check=all, through VALGRIND_OPTS): the
patch variants rewrite code it has already translated.

System calls are kernel work, invisible to callgrind: these are the
instructions the library (and libc, for mmap) adds, not the cost
(code_bench times that; strace_code.py counts the calls).

Usage: callgrind_code.py [--count N] [--detail] path/to/code_bench
  --detail  the functions with the most self instructions per op
            (callgrind_annotate on the 2N run)
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from callgrind import callgrind as _callgrind, detail as _detail  # noqa: E402

VARIANTS = [("mmap", 1), ("flip", 1), ("dual", 1), ("flip-b16", 16), ("dual-b16", 16),
            ("mmap-patch", 1), ("flip-patch", 1), ("dual-patch", 1), ("none", 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=2000, help="N")
    ap.add_argument("--detail", action="store_true")
    ap.add_argument("prog")
    a = ap.parse_args()
    valgrind = shutil.which("valgrind")
    if not valgrind:
        sys.exit("callgrind_code: valgrind not found")
    os.environ["VALGRIND_OPTS"] = (os.environ.get("VALGRIND_OPTS", "") +
                                   " --smc-check=all").strip()
    n = a.count
    per, details = {}, {}
    with tempfile.TemporaryDirectory(prefix="cg-code-") as tmp:
        for v, k in VARIANTS:
            ir1, _ = _callgrind(valgrind, a.prog, v, n, tmp, "callgrind_code")
            ir2, out2 = _callgrind(valgrind, a.prog, v, 2 * n, tmp, "callgrind_code")
            per[v] = (ir2 - ir1) / n / k
            if a.detail and v != "none":
                details[v] = _detail(out2, 2 * n * k, 8, 2 * n)

    base = per["none"]
    print("user-space instructions per function, (Ir(2N)-Ir(N))/N, N=%d ops" % n)
    print("%-11s %10s %10s" % ("", "per fn", "net"))
    for v, k in VARIANTS:
        net = "-" if v == "none" else "%.1f" % (per[v] - base / k)
        print("%-11s %10.1f %10s" % (v, per[v], net))
    print("net = per fn - the bare loop's share; system calls themselves are not counted")
    for v, rows in details.items():
        print("\n%s: self instructions per function (2N run)" % v)
        print("\n".join(rows))


if __name__ == "__main__":
    main()
